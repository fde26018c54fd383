import { Stratum } from '@stratum/executor';
import { describe, expect, it } from 'vitest';
import { Pipeline } from '../src/pipeline.js';

describe('Pipeline', () => {
  it('logs an oversized line as a marker that replays to the same answer', async () => {
    const db = await Stratum.cache();
    const first = await new Pipeline(db.session()).submit({ oversized: 70_000_000 }, 5);
    expect(first.requestJson).toBe('{"$oversizedLine":70000000}');
    expect(first.response).toMatchObject({ ok: false, error: { code: 'ConstraintViolation', details: { resource: 'line' } } });
    const again = await new Pipeline(db.session()).submitParsed(JSON.parse(first.requestJson), first.requestJson, 5);
    expect(again.responseJson).toBe(first.responseJson);
    await db.close();
  });

  it('answers in request order while point commands overlap and others run alone', async () => {
    const db = await Stratum.cache();
    const p = new Pipeline(db.session());
    const lines = [];
    for (let i = 0; i < 50; i++) {
      lines.push(JSON.stringify({ type: 'KvPut', key: `k${i}`, value: i }));
      lines.push(JSON.stringify({ type: 'KvList' }));
    }
    const answers = await Promise.all(lines.map((l) => p.submit(l)));
    answers.forEach((a, i) => {
      if (i % 2 === 1) expect((a.response as { output: { value: string[] } }).output.value).toHaveLength((i + 1) / 2);
    });
    await db.close();
  });
});
