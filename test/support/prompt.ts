import type { ChatMessage } from '../../src/domain';

/** The conversation a prompt stands for: a system message (when non-empty), then the user's. */
export const prompt = (input: string, system?: string): ChatMessage[] => [
  ...(system ? [{ role: 'system' as const, content: system }] : []),
  { role: 'user', content: input },
];
