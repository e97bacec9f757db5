import type { Compilable, CompiledQuery, Kysely } from 'kysely';

/** Stands in for a parameter while the query is compiled; it never reaches the database. */
class Slot {
  constructor(readonly name: string) {}
}

interface Template {
  readonly query: CompiledQuery<unknown>;
  /** per SQL parameter: the caller's parameter it takes, or the constant the builder put there */
  readonly slots: readonly (Slot | { readonly constant: unknown })[];
}

/** Gives a Slot for every field read, whatever its name. */
const stand = new Proxy({}, { get: (_, name) => new Slot(String(name)) });

/**
 * A query that Kysely builds and compiles once per database, then runs with new parameters. The
 * services' queries on an order's path have fixed SQL texts, yet building and compiling them anew
 * (operation nodes, frozen objects, a visitor over the tree) cost about as much CPU as SQLite's own
 * execution of them under load.
 *
 * `build` receives stand-ins for the parameters: pass each as a whole value (`.where('id', '=', p.id)`,
 * `.values({ id: p.id })`), never into an `in` list, a spread or JavaScript logic, which would need
 * the real value. A missing value is null, never undefined. The SQL is compiled by the database's own dialect, so it stays portable.
 */
export function prepared<DB, P extends object, R>(
  build: (db: Kysely<DB>, params: P) => Compilable<R>,
): (db: Kysely<DB>, params: P) => Promise<R[]> {
  // Keyed by the dialect's adapter, which a database shares with its transactions.
  const templates = new WeakMap<object, Template>();
  return async (db, params) => {
    const adapter = db.getExecutor().adapter;
    let template = templates.get(adapter);
    if (!template) {
      const query = build(db, stand as P).compile() as CompiledQuery<unknown>;
      const slots = query.parameters.map((value) => (value instanceof Slot ? value : { constant: value }));
      template = { query, slots };
      templates.set(adapter, template);
    }
    const values = params as Record<string, unknown>;
    const parameters = template.slots.map((slot) => {
      if (!(slot instanceof Slot)) return slot.constant;
      const value = values[slot.name];
      // Kysely leaves an undefined value out of the SQL; here the SQL is fixed, so it is a mistake.
      if (value === undefined) throw new TypeError(`prepared query: parameter ${slot.name} is undefined (pass null)`);
      return value;
    });
    const { rows } = await db.executeQuery<R>({ ...(template.query as CompiledQuery<R>), parameters });
    return rows;
  };
}
