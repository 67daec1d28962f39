import { SliceMemory } from '../src/store/influxdb/slice-memory.ts';
const m = new SliceMemory();
const regions = Array.from({ length: 3000 }, (_, i) => `P${String(Math.floor(i / 10)).padStart(3, '0')}C${i % 10}`);
for (let ind = 0; ind < 7; ind++) m.putWhole(`ind${ind}`, '2023-02', [], 0);
for (let ind = 0; ind < 7; ind++) m.putValues(`ind${ind}`, '2023-01', regions.map((region, i) => ({ region, value: i })), 0);
const rows = [];
for (let ind = 0; ind < 7; ind++) for (const region of regions) rows.push({ indicator: `ind${ind}`, region, period: '2023-02', value: 1, yoy: null, status: null });
const versions = rows.map(() => 1);
let t0 = performance.now();
for (let k = 0; k < 15; k++) m.wrote(rows.slice(0, 20000), versions, 1, 'x');
console.log('wrote x15', (performance.now() - t0).toFixed(0), 'ms');
t0 = performance.now();
let n = 0;
for (let k = 0; k < 15; k++) for (let ind = 0; ind < 7; ind++) { const v = m.valuesOf(`ind${ind}`, '2023-01')!; for (const r of regions) if (v(r) !== undefined) n++; }
console.log('valuesOf x15', (performance.now() - t0).toFixed(0), 'ms', n);
t0 = performance.now();
for (let k = 0; k < 15; k++) for (let ind = 0; ind < 7; ind++) { const v = m.valuesOf(`ind${ind}`, '2023-02')!; for (const r of regions) if (v(r) !== undefined) n++; }
console.log('whole valuesOf x15', (performance.now() - t0).toFixed(0), 'ms', n);
