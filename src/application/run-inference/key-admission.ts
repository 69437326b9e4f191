import {
  inferenceError,
  type Consumer,
  type InferenceError,
  type Level,
  type ModelChoice,
} from '../../domain';

/**
 * A `forbidden` error when the consumer's key may not make this call: its level is not on the
 * key's list, or a model that may answer it (the chosen one or a fallback) is not. Undefined
 * when the key allows it. Checked before anything is recorded or spent, like a bad field.
 */
export const keyForbids = (
  consumer: Consumer,
  level: Level,
  choice: ModelChoice,
): InferenceError | undefined => {
  const { keyId, levels, models } = consumer;
  if (levels !== null && !levels.includes(level)) {
    return inferenceError(
      'forbidden',
      `level: key ${keyId} may not call level "${level}" (it may call ${levels.join(', ')})`,
    );
  }
  if (models === null) return undefined;
  const outside = [choice.model, ...choice.fallbacks].find((m) => !models.includes(m));
  if (outside === undefined) return undefined;
  return inferenceError(
    'forbidden',
    `model: key ${keyId} may not use model "${outside}" (it may use ${models.join(', ')})`,
  );
};
