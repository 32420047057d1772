import type { Queryable } from './database';

/** Journey definitions' JSON texts by digest (journey_definition_texts): what a journey's start input names. */
export interface DefinitionTexts {
  /** Stores a text under its digest; a digest already stored keeps its text (the same, by construction). */
  store(digest: string, text: string): Promise<void>;
  /** The text stored under a digest, if any. */
  read(digest: string): Promise<string | undefined>;
}

/** The store's table of definition texts. */
export function definitionTexts(db: Queryable): DefinitionTexts {
  return {
    async store(digest, text) {
      await db.query('insert into journey_definition_texts (digest, text) values ($1, $2) on conflict (digest) do nothing', [digest, text]);
    },
    async read(digest) {
      const { rows } = await db.query<{ text: string }>('select text from journey_definition_texts where digest = $1', [digest]);
      return rows[0]?.text;
    },
  };
}
