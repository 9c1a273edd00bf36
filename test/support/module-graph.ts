/**
 * Follows a built module graph (ES modules and CommonJS) from its entry files through relative
 * imports, and reports which packages it loads. Imports are read by TypeScript's own
 * pre-processor (static, dynamic `import()` and `require()`), not by pattern matching.
 */
import { isBuiltin } from 'node:module';
import { posix } from 'node:path';
import ts from 'typescript';

export interface ModuleGraph {
  /** Every module reached, as `/`-separated paths relative to the graph's root. */
  readonly modules: ReadonlySet<string>;
  /** Each package imported (its name, without subpath) → the modules that import it. */
  readonly packages: ReadonlyMap<string, readonly string[]>;
  /** Relative imports that name no file (`importer → specifier`). */
  readonly unresolved: readonly string[];
}

/** `@scope/name/sub/path` → `@scope/name`, `name/sub` → `name`. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

/** The module specifiers that a JavaScript file's source imports or requires. */
export function importedSpecifiers(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((file) => file.fileName);
}

/**
 * Walks the graph from `entries` (root-relative paths); `read` returns a module's source, or
 * undefined when there is no such file. Node built-ins are not packages and are left out.
 */
export function walkModuleGraph(entries: readonly string[], read: (path: string) => string | undefined): ModuleGraph {
  const modules = new Set<string>();
  const packages = new Map<string, string[]>();
  const unresolved: string[] = [];
  const pending = entries.map((entry) => posix.normalize(entry));
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    if (modules.has(path)) continue;
    const source = read(path);
    if (source === undefined) {
      unresolved.push(path);
      continue;
    }
    modules.add(path);
    for (const specifier of importedSpecifiers(source)) {
      if (specifier.startsWith('.')) {
        const target = posix.join(posix.dirname(path), specifier);
        if (read(target) === undefined) unresolved.push(`${path} → ${specifier}`);
        else pending.push(target);
      } else if (!isBuiltin(specifier)) {
        const name = packageName(specifier);
        packages.set(name, [...(packages.get(name) ?? []), path]);
      }
    }
  }
  return { modules, packages, unresolved };
}
