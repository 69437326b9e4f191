import { FAKE_API_KEY, FakeOpenRouter } from '../../support/fake-openrouter';
import { startTestServer, type ConfigValues, type TestServer } from '../harness';

/** The service token the SDKs use as their API key. */
export const TOKEN = 'hs-e2e-service-token';

/** A call record as `GET /api/inference/calls` lists it (the fields these suites read). */
export interface CallView {
  readonly id: string;
  readonly level: string;
  readonly purpose: string;
  readonly model: string;
  readonly status: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
  readonly reportedCostUsd: number | null;
  readonly projectId: string | null;
  readonly agentId: string | null;
  readonly commandId: string | null;
  readonly turnId: string | null;
  readonly inputHash: string;
  readonly resultText: string | null;
  readonly toolCalls: ReadonlyArray<{
    id: string;
    function: { name: string; arguments: string };
  }> | null;
  readonly finishReason: string | null;
}

/** A tool the suites offer the model. */
export const WEATHER_PARAMETERS = {
  type: 'object',
  properties: { city: { type: 'string' } },
  additionalProperties: false,
} as const;

/** A JSON Schema the suites ask structured output for, and the value the fake answers with. */
export const PERSON_SCHEMA = {
  type: 'object',
  properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 1 } },
  required: ['name', 'age'],
  additionalProperties: false,
} as const;

/** The service behind a token, over the real OpenRouter gateway against the fake OpenRouter. */
export interface CompatFixture {
  readonly fake: FakeOpenRouter;
  readonly server: TestServer;
  /** The base URL an OpenAI client takes: the service's `/v1`. */
  readonly baseURL: string;
  /** Every call record, newest first. */
  calls(): Promise<CallView[]>;
  /** The record of one call. */
  call(id: string): Promise<CallView>;
}

/**
 * Starts the fake OpenRouter and the service (with `TOKEN`, one allowed extra model, and the
 * given config on top) in `beforeAll`, and stops both in `afterAll`.
 */
export const useCompatService = (config: ConfigValues = {}) => {
  const ref = {} as { fixture: CompatFixture };
  beforeAll(async () => {
    const fake = await FakeOpenRouter.start();
    const {
      server: serverConfig = {},
      openrouter = {},
      ...rest
    } = config as {
      server?: ConfigValues;
      openrouter?: ConfigValues;
    };
    const server = await startTestServer({
      ...rest,
      server: { auth_token: TOKEN, ...serverConfig },
      openrouter: {
        base_url: fake.baseUrl,
        api_key: FAKE_API_KEY,
        allowed_models: ['openai/gpt-4o-mini'],
        pricing: { 'openai/gpt-4o-mini': { input: 0.15, output: 0.6 } },
        ...openrouter,
      },
    });
    const calls = async (): Promise<CallView[]> => {
      const res = await server.fetch('/api/inference/calls?limit=500', {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { calls: CallView[] }).calls;
    };
    const call = async (id: string): Promise<CallView> => {
      const found = (await calls()).find((c) => c.id === id);
      if (!found) throw new Error(`no call record ${id}`);
      return found;
    };
    ref.fixture = { fake, server, baseURL: `${server.url}/v1`, calls, call };
  });
  afterAll(async () => {
    await ref.fixture?.server.shutdown();
    await ref.fixture?.fake.close();
  });
  return {
    get current(): CompatFixture {
      return ref.fixture;
    },
  };
};
