// `npm start`: until the desktop app lands (issue #4), this runs the SCIM backend on its own with
// the same defaults as `npm run server -- serve`. Extra arguments are passed through.
import { spawn } from 'node:child_process';

process.stderr.write(
  'The desktop app is not part of this build yet; starting the SCIM backend (npm run server -- serve).\n',
);
const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', 'serve', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
