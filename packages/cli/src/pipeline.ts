import { LIMITS, err, parseJson, stringifyJson } from '@stratum/core';
import { errorResponse, parseRequest, runsAlone, type Response, type Session } from '@stratum/executor';

/** What a request line turned into: the JSON of its response, and how to log the request. */
export interface Answer {
  readonly at: number;
  readonly requestJson: string;
  readonly responseJson: string;
  readonly response: Response | Response[];
}

/**
 * Runs request lines for one session in request order while letting independent commands
 * overlap: point commands start at once (their effects happen before their first await), any
 * other command or a batch waits for everything before it and holds back what follows.
 */
export class Pipeline {
  readonly #session: Session;
  /** Resolves when the last command that runs alone has finished. */
  #gate: Promise<unknown> = Promise.resolve();
  /** The gate has resolved: a point command can start at once instead of behind it. */
  #open = true;
  /** Point commands started since the gate; what the next alone command waits for. */
  #sinceGate: Promise<unknown>[] = [];

  constructor(session: Session) {
    this.#session = session;
  }

  /** Answers one line (its text, or an oversize marker). `at` is the clock reading to run it with. */
  submit(line: string | { oversized: number }, at: number = this.#session.clock()): Promise<Answer> {
    if (typeof line !== 'string') return Promise.resolve(oversized(line.oversized, at));
    let request: unknown;
    try {
      request = parseJson(line);
    } catch (e) {
      return Promise.resolve(answer(at, JSON.stringify(line), errorResponse(undefined, e)));
    }
    return this.submitParsed(request, line, at);
  }

  /** Answers one already parsed request; `requestJson` is its text for the log. */
  submitParsed(request: unknown, requestJson: string, at: number): Promise<Answer> {
    const cut = oversizedMarker(request);
    if (cut !== undefined) return Promise.resolve(oversized(cut, at));
    if (Array.isArray(request)) {
      return this.#alone(async () => {
        const responses: Response[] = [];
        for (const item of request) responses.push(await this.#session.respond(item, at));
        return answer(at, requestJson, responses);
      });
    }
    const parsed = parseRequest(request);
    if ('error' in parsed) return Promise.resolve(answer(at, requestJson, errorResponse(parsed.id, parsed.error)));
    if (runsAlone(parsed.command)) {
      return this.#alone(async () => answer(at, requestJson, await this.#session.respondParsed(parsed, at)));
    }
    const start = () => this.#session.respondParsed(parsed, at).then((r) => answer(at, requestJson, r));
    const run = this.#open ? start() : this.#gate.then(start);
    this.#sinceGate.push(run);
    // Bounded memory on a long stream of point commands: fold what is waited for into one promise.
    if (this.#sinceGate.length >= 4096) this.#sinceGate = [Promise.allSettled(this.#sinceGate)];
    return run;
  }

  #alone(fn: () => Promise<Answer>): Promise<Answer> {
    const run = Promise.allSettled([this.#gate, ...this.#sinceGate]).then(fn);
    const gate = run.catch(() => undefined);
    this.#gate = gate;
    this.#open = false;
    this.#sinceGate = [];
    void gate.then(() => {
      if (this.#gate === gate) this.#open = true;
    });
    return run;
  }

  /** Resolves once every submitted request has been answered. */
  async drain(): Promise<void> {
    await Promise.allSettled([this.#gate, ...this.#sinceGate]);
  }
}

function answer(at: number, requestJson: string, response: Response | Response[]): Answer {
  return { at, requestJson, responseJson: stringifyJson(response), response };
}

/**
 * A line over the size cap is logged as `{"$oversizedLine": bytes}` (its text is not kept), and
 * replay answers that marker as the server answered the line.
 */
function oversized(bytes: number, at: number): Answer {
  const response = errorResponse(undefined, err.capacity('line', LIMITS.lineBytes, bytes));
  return answer(at, `{"$oversizedLine":${bytes}}`, response);
}

function oversizedMarker(request: unknown): number | undefined {
  if (request === null || typeof request !== 'object' || Array.isArray(request)) return undefined;
  const keys = Object.keys(request);
  const bytes = (request as { $oversizedLine?: unknown }).$oversizedLine;
  return keys.length === 1 && typeof bytes === 'number' ? bytes : undefined;
}
