/** Every repository over one database connection: what route handlers receive as `ctx.store`. */
import { AccountsRepo } from './accounts.repo.js';
import { ComponentsRepo } from './components.repo.js';
import type { Db } from './database.js';
import { EntitlementsRepo } from './entitlements.repo.js';
import { GroupsRepo } from './groups.repo.js';
import { LicensesRepo } from './licenses.repo.js';
import { MachinesRepo } from './machines.repo.js';
import { PoliciesRepo } from './policies.repo.js';
import { ProcessesRepo } from './processes.repo.js';
import { ProductsRepo } from './products.repo.js';
import { TokensRepo } from './tokens.repo.js';
import { UsersRepo } from './users.repo.js';

/** The issuer's data access. Synchronous, like better-sqlite3 itself. */
export interface Store {
  readonly db: Db;
  readonly accounts: AccountsRepo;
  readonly products: ProductsRepo;
  readonly policies: PoliciesRepo;
  readonly licenses: LicensesRepo;
  readonly users: UsersRepo;
  readonly groups: GroupsRepo;
  readonly entitlements: EntitlementsRepo;
  readonly tokens: TokensRepo;
  readonly machines: MachinesRepo;
  readonly processes: ProcessesRepo;
  readonly components: ComponentsRepo;
  /** Runs `work` in one SQLite transaction (rolled back if it throws). */
  transaction<T>(work: () => T): T;
}

/** Builds the repositories (and prepares their statements) for an open database. */
export function createStore(db: Db): Store {
  return {
    db,
    accounts: new AccountsRepo(db),
    products: new ProductsRepo(db),
    policies: new PoliciesRepo(db),
    licenses: new LicensesRepo(db),
    users: new UsersRepo(db),
    groups: new GroupsRepo(db),
    entitlements: new EntitlementsRepo(db),
    tokens: new TokensRepo(db),
    machines: new MachinesRepo(db),
    processes: new ProcessesRepo(db),
    components: new ComponentsRepo(db),
    transaction: <T>(work: () => T): T => db.transaction(work)(),
  };
}
