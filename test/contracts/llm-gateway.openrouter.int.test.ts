import { FakeOpenRouter } from '../support/fake-openrouter';
import { gatewayOver } from '../support/openrouter-harness';
import { llmGatewayContract } from './llm-gateway.contract';

llmGatewayContract('OpenRouterGateway over the fake OpenRouter', async () => {
  const fake = await FakeOpenRouter.start();
  return {
    gateway: gatewayOver(fake).gateway,
    refuseNext: () => void fake.script(400),
    holdGenerations: (on: boolean) => void (fake.generations.delayMs = on ? 3_600_000 : 0),
    close: () => fake.close(),
  };
});
