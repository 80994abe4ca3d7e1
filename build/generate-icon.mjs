// Generates build/icon.png (1024×1024, RGBA) and build/icon.svg from the same geometry, with Node
// only (zlib for the PNG's deflate stream): a blue rounded square with a directory list — three
// people (a round avatar and a name bar each), the last one fainter, as a person leaving the
// directory. Run: node build/generate-icon.mjs
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const SIZE = 1024;
const here = path.dirname(fileURLToPath(import.meta.url));

// Geometry in a 1024 grid.
const tile = { x: 100, y: 100, w: 824, h: 824, r: 184 };
const top = [0x63, 0x66, 0xf1]; // indigo-500
const bottom = [0x1d, 0x4e, 0xd8]; // blue-700
const rows = [
  { y: 352, alpha: 1 },
  { y: 512, alpha: 1 },
  { y: 672, alpha: 0.45 },
];
const avatar = { x: 344, r: 60 };
const bar = { x1: 448, x2: 724, h: 64 };

// Signed distances (negative inside).
function roundedRect(px, py, { x, y, w, h, r }) {
  const cx = x + w / 2;
  const cy = y + h / 2;
  const qx = Math.abs(px - cx) - (w / 2 - r);
  const qy = Math.abs(py - cy) - (h / 2 - r);
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}
function circle(px, py, cx, cy, r) {
  return Math.hypot(px - cx, py - cy) - r;
}
function capsule(px, py, x1, x2, cy, h) {
  const r = h / 2;
  const clamped = Math.min(Math.max(px, x1 + r), x2 - r);
  return Math.hypot(px - clamped, py - cy) - r;
}
const coverage = (d) => Math.min(Math.max(0.5 - d, 0), 1); // 1px anti-aliased edge

function pixel(px, py) {
  const a = coverage(roundedRect(px, py, tile));
  if (a === 0) return [0, 0, 0, 0];
  const t = (py - tile.y) / tile.h;
  let rgb = top.map((c, i) => c + (bottom[i] - c) * t);
  for (const row of rows) {
    const d = Math.min(circle(px, py, avatar.x, row.y, avatar.r), capsule(px, py, bar.x1, bar.x2, row.y, bar.h));
    const w = coverage(d) * row.alpha;
    if (w > 0) rgb = rgb.map((c) => c + (255 - c) * w);
  }
  return [...rgb.map((c) => Math.round(c)), Math.round(a * 255)];
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function png() {
  const raw = Buffer.alloc((SIZE * 4 + 1) * SIZE);
  for (let y = 0; y < SIZE; y++) {
    const offset = y * (SIZE * 4 + 1);
    raw[offset] = 0; // filter: none
    for (let x = 0; x < SIZE; x++) {
      // Sample at the pixel centre.
      const [r, g, b, a] = pixel(x + 0.5, y + 0.5);
      raw.set([r, g, b, a], offset + 1 + x * 4);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const hex = (rgb) => `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
function svg() {
  const rowShapes = rows
    .map(
      ({ y, alpha }) =>
        `  <g fill="#ffffff"${alpha < 1 ? ` fill-opacity="${alpha}"` : ''}>\n` +
        `    <circle cx="${avatar.x}" cy="${y}" r="${avatar.r}"/>\n` +
        `    <rect x="${bar.x1}" y="${y - bar.h / 2}" width="${bar.x2 - bar.x1}" height="${bar.h}" rx="${bar.h / 2}"/>\n` +
        `  </g>`,
    )
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}">
  <title>SCIM Directory Sync</title>
  <defs>
    <linearGradient id="tile" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="${hex(top)}"/>
      <stop offset="1" stop-color="${hex(bottom)}"/>
    </linearGradient>
  </defs>
  <rect x="${tile.x}" y="${tile.y}" width="${tile.w}" height="${tile.h}" rx="${tile.r}" fill="url(#tile)"/>
${rowShapes}
</svg>
`;
}

fs.writeFileSync(path.join(here, 'icon.png'), png());
fs.writeFileSync(path.join(here, 'icon.svg'), svg());
console.log('wrote build/icon.png and build/icon.svg');
