import { isLevel, LEVELS, type Level, type ModelMap } from '../../../domain';

/** What `/v1` needs of the model configuration: the level models and every model a call may name. */
export interface ModelCatalog {
  /** The model of each level (`openrouter.models`). */
  readonly levels: ModelMap;
  /** Every model a request may name: level models, fallbacks and `openrouter.allowed_models`. */
  readonly allowed: readonly string[];
}

/** Builds the catalog from the level models, the fallback lists and the allowed models. */
export const modelCatalog = (
  levels: ModelMap,
  fallbacks: Readonly<Partial<Record<Level, readonly string[]>>>,
  allowedModels: readonly string[],
): ModelCatalog => ({
  levels,
  allowed: [
    ...new Set([
      ...LEVELS.map((l) => levels[l]),
      ...LEVELS.flatMap((l) => fallbacks[l] ?? []),
      ...allowedModels,
    ]),
  ],
});

/** How an OpenAI `model` resolves: the level it implies and the native `model`, if any. */
export interface ResolvedModel {
  /** The level `model` implies: itself, the first level configured with it, else `task`. */
  readonly level: Level;
  /** The model to ask for, or undefined when the call's level model already is it. */
  readonly model: string | undefined;
}

/**
 * Resolves an OpenAI `model` against the catalog. A level name selects that level's model; any
 * other string is passed on as a model id (the native validation refuses one not allowed).
 * `level` is the level the caller chose explicitly, which wins over the one `model` implies.
 */
export const resolveModel = (
  catalog: ModelCatalog,
  model: string,
  level: Level | undefined,
): ResolvedModel => {
  const wanted = isLevel(model) ? catalog.levels[model] : model;
  const implied = isLevel(model)
    ? model
    : (LEVELS.find((l) => catalog.levels[l] === model) ?? 'task');
  const chosen = level ?? implied;
  return { level: chosen, model: catalog.levels[chosen] === wanted ? undefined : wanted };
};

/** One entry of `GET /v1/models`. */
export interface OpenAiModel {
  readonly id: string;
  readonly object: 'model';
  readonly created: number;
  readonly owned_by: string;
}

/** `GET /v1/models`: the four level names, then every allowed model. */
export const modelList = (catalog: ModelCatalog, created: number) => ({
  object: 'list' as const,
  data: [
    ...LEVELS.map((id): OpenAiModel => ({ id, object: 'model', created, owned_by: 'headspace' })),
    ...catalog.allowed.map((id): OpenAiModel => ({
      id,
      object: 'model',
      created,
      owned_by: id.includes('/') ? id.slice(0, id.indexOf('/')) : 'openrouter',
    })),
  ],
});
