/**
 * An agent's memory across the primitives, in spaces: an event log of the conversation, a state
 * cell guarded by compare-and-swap, a JSON profile edited by path, and vector recall with a filter.
 */
import { Stratum } from '@stratum/executor';

export async function agentMemory(log: (line: string) => void = console.log): Promise<void> {
  const db = await Stratum.cache();
  try {
    await db.setSpace('conversations');
    await db.eventAppend('user_message', { content: "What's the weather?" });
    await db.eventAppend('assistant_message', { content: 'Let me check...' });
    await db.eventAppend('tool_call', { tool: 'weather_api', status: 'ok' });
    const calls = await db.eventGetByType('tool_call');
    log(`conversations: ${await db.eventLen()} events, tool calls: ${calls.map((e) => JSON.stringify(e.value)).join(', ')}`);

    await db.setSpace('user-context');
    await db.stateInit('credits', 10);
    const seen = await db.stateGet('credits');
    const won = await db.stateCas('credits', seen!.version, (seen!.value as number) - 1);
    const lost = await db.stateCas('credits', seen!.version, 0);
    log(`credits: cas with counter ${seen!.version} -> ${won}, stale cas -> ${lost}, now ${(await db.stateGet('credits'))?.value}`);

    await db.jsonSet('profile', '$', { name: 'Ada', prefs: { units: 'metric' } });
    await db.jsonSet('profile', '$.prefs.cities[0]', 'Paris');
    log(`profile.prefs = ${JSON.stringify((await db.jsonGet('profile', '$.prefs'))?.value)}`);

    await db.setSpace('memories');
    await db.vectorCreateCollection('notes', 3, 'cosine');
    await db.vectorUpsert('notes', 'likes-rain', [0.9, 0.1, 0], { topic: 'weather' });
    await db.vectorUpsert('notes', 'speaks-french', [0.1, 0.9, 0], { topic: 'language' });
    await db.vectorUpsert('notes', 'hates-snow', [0.8, 0, 0.2], { topic: 'weather' });
    const hits = await db.vectorSearch('notes', [1, 0, 0], 2, { filter: [{ field: 'topic', op: 'eq', value: 'weather' }] });
    log(`recall for weather: ${hits.map((h) => h.key).join(', ')}`);

    log(`spaces: ${(await db.listSpaces()).join(', ')}`);
  } finally {
    await db.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await agentMemory();
