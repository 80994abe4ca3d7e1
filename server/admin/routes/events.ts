/**
 * `GET /events`: the org's live events as Server-Sent Events, for the desktop app's pool, members
 * and alerts screens. The stream opens with `event: ready` once the subscription is live, sends a
 * comment every 15 s (keeps proxies from timing it out, and re-checks the caller's token), and
 * ends when the subscriber is removed, their device token is revoked, they stop being a manager,
 * the client disconnects, or the server shuts down.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsync } from 'fastify';
import type { LiveEvent } from '../../../shared/api/events.js';
import { MANAGING_ROLES } from '../../../shared/api/common.js';
import { adminRoute, type AdminDeps } from '../route.js';

export const HEARTBEAT_MS = 15_000;

function frame(type: string, data: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

export const eventRoutes: FastifyPluginAsync<AdminDeps> = async (app, deps) => {
  const open = new Set<(shuttingDown?: boolean) => void>();
  // Hijacked streams would keep the server from closing; end them (and their connections) first.
  app.addHook('preClose', async () => {
    for (const close of [...open]) close(true);
  });

  /** Is this device still signed in, as a manager? */
  async function stillAllowed(deviceId: string): Promise<boolean> {
    const row = await deps.db
      .selectFrom('device_tokens as d')
      .innerJoin('members as m', 'm.id', 'd.member_id')
      .select(['m.role'])
      .where('d.id', '=', deviceId)
      .where('d.revoked_at', 'is', null)
      .where('m.status', '=', 'active')
      .executeTakeFirst();
    return row !== undefined && MANAGING_ROLES.includes(row.role);
  }

  adminRoute(
    app,
    { method: 'GET', url: '/events', tag: 'events', summary: 'Live events for the org (Server-Sent Events)', access: 'manager' },
    async ({ session, request, reply }) => {
      reply.hijack();
      const raw: ServerResponse = reply.raw;
      const socket = request.raw.socket;
      raw.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no',
      });
      raw.flushHeaders();

      let closed = false;
      const write = (chunk: string) => {
        if (!closed && !raw.writableEnded) raw.write(chunk);
      };
      const recheck = () => {
        stillAllowed(session.deviceId).then(
          (allowed) => {
            if (!allowed) close();
          },
          () => undefined,
        );
      };
      // Deliveries run in order behind one another: when a change to the subscriber themself needs a
      // re-check (signed out, demoted), nothing after it is written until the check has passed.
      let delivery = Promise.resolve();
      const unsubscribe = deps.bus.subscribe(session.org.id, (event: LiveEvent) => {
        const aboutSubscriber = 'memberId' in event && event.memberId === session.member.id;
        delivery = delivery.then(async () => {
          if (closed) return;
          if (aboutSubscriber && event.type === 'member.removed') {
            // The removed member's app hears why its session ended, then the stream closes.
            write(frame(event.type, event));
            close();
            return;
          }
          if (aboutSubscriber && event.type === 'member.changed' && !(await stillAllowed(session.deviceId).catch(() => false))) {
            close();
            return;
          }
          write(frame(event.type, event));
        });
      });
      const heartbeat = setInterval(() => {
        write(`: heartbeat ${new Date(deps.clock()).toISOString()}\n\n`);
        recheck();
      }, HEARTBEAT_MS);
      heartbeat.unref();

      function close(shuttingDown = false): void {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        unsubscribe();
        open.delete(close);
        // On shutdown the kept-alive connection must go too, or closing the server waits for it.
        const done = () => {
          if (shuttingDown) socket.destroy();
        };
        if (raw.writableEnded) done();
        else raw.end(done);
      }
      open.add(close);
      request.raw.on('close', () => close());
      raw.on('close', () => close());
      raw.on('error', () => close());

      const ready: LiveEvent = { type: 'ready', orgId: session.org.id, memberId: session.member.id };
      write(frame(ready.type, ready));
    },
  );
};
