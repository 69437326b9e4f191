import { InMemoryGateway } from '../../src/adapters/in-memory';
import { inferenceError } from '../../src/domain';
import { llmGatewayContract } from './llm-gateway.contract';

llmGatewayContract('InMemoryGateway', () => {
  const gateway = new InMemoryGateway();
  return Promise.resolve({
    gateway,
    refuseNext: () =>
      void gateway.enqueue(
        inferenceError('upstream_error', 'OpenRouter answered 400: Bad request', {
          attempts: 1,
          upstreamStatus: 400,
        }),
      ),
    holdGenerations: (on: boolean) => void (gateway.generations.held = on),
    close: () => Promise.resolve(),
  });
});
