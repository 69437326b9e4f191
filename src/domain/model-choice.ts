import { err, ok, type Result } from 'neverthrow';
import { inferenceError, type InferenceError } from './errors';
import { LEVELS, selectModel, type Level, type ModelMap } from './levels';

/** Fallback models per level (`openrouter.fallbacks`), tried in order after the level's own. */
export type Fallbacks = Readonly<Partial<Record<Level, readonly string[]>>>;

/** What decides which models a call may use. */
export interface ModelPolicy {
  readonly models: ModelMap;
  readonly fallbacks: Fallbacks;
  /** Further models a request may name. */
  readonly allowedModels: readonly string[];
}

/** The model a call asks for first, and those OpenRouter may fall back to. */
export interface ModelChoice {
  readonly model: string;
  readonly fallbacks: readonly string[];
}

/** Every model a request may name: level models, fallbacks and allowed models. */
export const allowedModels = (p: ModelPolicy): ReadonlySet<string> =>
  new Set([
    ...LEVELS.map((l) => p.models[l]),
    ...LEVELS.flatMap((l) => p.fallbacks[l] ?? []),
    ...p.allowedModels,
  ]);

/**
 * The models for a call: the level's model and fallbacks, or the request's own `model` when it is
 * allowed (then with the level's fallbacks only if it is the level's model); else a 400 naming
 * `model`.
 */
export const chooseModel = (
  p: ModelPolicy,
  level: Level,
  requested: string | undefined,
  allowed: ReadonlySet<string> = allowedModels(p),
): Result<ModelChoice, InferenceError> => {
  const own = selectModel(p.models, level);
  const levelFallbacks = (p.fallbacks[level] ?? []).filter((m) => m !== own);
  if (requested === undefined || requested === own) {
    return ok({ model: own, fallbacks: levelFallbacks });
  }
  if (!allowed.has(requested)) {
    const detail =
      'model: not allowed; use a model of openrouter.models, openrouter.fallbacks or openrouter.allowed_models';
    return err(inferenceError('invalid_request', detail, { field: 'model' }));
  }
  return ok({ model: requested, fallbacks: [] });
};
