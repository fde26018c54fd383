import { describe, expect, it } from 'vitest';
import { agentMemory } from '../src/agent-memory.js';
import { demo } from '../src/demo.js';

describe('examples', () => {
  it('the demo stores and reads data in several spaces, across a restart', async () => {
    const lines: string[] = [];
    await demo((l) => lines.push(l));
    const text = lines.join('\n');
    expect(text).toContain('spaces: conversations, default, tool-results');
    expect(text).toContain('conversations holds: msg_001, msg_002');
    expect(text).toContain('weather:paris has 2 versions');
    expect(text).toContain('as of the first write it was: {"tempC":18,"sky":"cloudy"}');
    expect(text).toContain('on the fork: {"tempC":25,"sky":"clear"}; on default: {"tempC":21,"sky":"sunny"}');
    expect(text).toContain('merged experiment (1 change): default now has {"tempC":25,"sky":"clear"}');
    expect(text).toContain('after a restart, conversations/msg_001 = {"role":"user","text":"What is the weather in Paris?"}');
    expect(text).toMatch(/tool-results: 1 key\(s\)/);
  });

  it('agent memory uses events, state, JSON and vectors in their own spaces', async () => {
    const lines: string[] = [];
    await agentMemory((l) => lines.push(l));
    expect(lines).toEqual([
      'conversations: 3 events, tool calls: {"tool":"weather_api","status":"ok"}',
      'credits: cas with counter 1 -> 2, stale cas -> null, now 9',
      'profile.prefs = {"units":"metric","cities":["Paris"]}',
      'recall for weather: likes-rain, hates-snow',
      'spaces: conversations, default, memories, user-context',
    ]);
  });
});
