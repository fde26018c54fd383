import { Type } from '@sinclair/typebox';
import { BranchField, SpaceField, StrictObject, U64, command } from './common.js';

export const ConfigureModel = command(
  'ConfigureModel',
  'Configures the language model used to expand and rerank searches (an OpenAI-compatible endpoint). Returns `Unit`.',
  {
    endpoint: Type.String({ description: 'Base URL of the model API.' }),
    model: Type.String({ description: 'Model name to request.' }),
    apiKey: Type.Optional(Type.String({ description: 'API key sent with each request; none when absent.' })),
    timeoutMs: Type.Optional(U64('Request timeout in milliseconds; 5000 when absent.')),
  },
);

const SearchQuery = StrictObject(
  {
    query: Type.String({ description: 'The search text.' }),
    k: Type.Optional(U64('Maximum number of hits; 10 when absent.')),
    primitives: Type.Optional(
      Type.Array(Type.String(), {
        description: 'Only hits of these primitives ("kv", "json", "event", "state", "branch", "vector"); all when absent.',
      }),
    ),
    timeRange: Type.Optional(
      StrictObject(
        {
          start: Type.String({ description: 'Start of the range, an RFC 3339 timestamp.' }),
          end: Type.String({ description: 'End of the range, an RFC 3339 timestamp, not before `start`.' }),
        },
        'Only items written within this range.',
      ),
    ),
    mode: Type.Optional(
      Type.Union([Type.Literal('keyword'), Type.Literal('hybrid')], {
        description: '"keyword" for text ranking only, "hybrid" to also use embeddings when available. "hybrid" when absent.',
      }),
    ),
    expand: Type.Optional(Type.Boolean({ description: 'Expand the query with the configured model, when one is configured. true when absent.' })),
    rerank: Type.Optional(Type.Boolean({ description: 'Rerank hits with the configured model, when one is configured. true when absent.' })),
  },
  'What to search for.',
);

export const Search = command(
  'Search',
  'Full-text search over the KV, JSON, state and event text of a space. Returns `SearchResults`, best hit first.',
  {
    branch: BranchField,
    space: SpaceField,
    search: SearchQuery,
  },
);

export const EmbedStatus = command(
  'EmbedStatus',
  'Reports the state of automatic embedding. Returns `EmbedStatus`.',
  {},
);

export const INTELLIGENCE_COMMANDS = { ConfigureModel, Search, EmbedStatus } as const;
