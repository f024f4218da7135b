/**
 * Checks on the files a command will write, made before any work: the directory exists and can be
 * written, and no output lands on an input or on another output. A full computation that then fails
 * to save is time lost; an output over an input is data lost.
 */
import { accessSync, constants, existsSync, realpathSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { UsageError } from "./errors.ts";

/** The path as the file system will resolve it (symlinks followed), existing or not. */
export function canonicalPath(path: string): string {
  const absolute = resolve(path);
  if (existsSync(absolute)) return realpathSync(absolute);
  const parent = dirname(absolute);
  return existsSync(parent) ? resolve(realpathSync(parent), basename(absolute)) : absolute;
}

/** Fails unless `path` can be created or replaced as a file. */
export function assertWritableFile(flag: string, path: string): void {
  const parent = dirname(resolve(path));
  assertWritableDir(flag, parent, path);
  if (existsSync(path)) {
    if (statSync(path).isDirectory())
      throw new UsageError(`${flag} ${path}: is a directory (expected a file name)`);
    try {
      accessSync(path, constants.W_OK);
    } catch {
      throw new UsageError(`${flag} ${path}: permission denied (cannot replace the file)`);
    }
  }
}

/** Fails unless `dir` is an existing directory we may write in. */
export function assertWritableDir(flag: string, dir: string, shown = dir): void {
  if (!existsSync(dir)) throw new UsageError(`${flag} ${shown}: directory ${dir} does not exist`);
  if (!statSync(dir).isDirectory()) throw new UsageError(`${flag} ${shown}: ${dir} is not a directory`);
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch {
    throw new UsageError(`${flag} ${shown}: permission denied (cannot write in ${dir})`);
  }
}

/** Fails when two of the named paths are one file (an output over an input, or two outputs). */
export function assertDistinctPaths(paths: readonly { what: string; path: string }[]): void {
  const seen = new Map<string, { what: string; path: string }>();
  for (const p of paths) {
    const key = canonicalPath(p.path);
    const earlier = seen.get(key);
    if (earlier) {
      throw new UsageError(
        `${p.what} ${p.path} is the same file as ${earlier.what} ${earlier.path}: refusing to overwrite it (choose another path)`,
      );
    }
    seen.set(key, p);
  }
}

/**
 * Writes a file by writing a sibling first and renaming it over the target: a full disk or a kill
 * leaves the earlier file whole instead of a truncated one.
 */
export async function replaceFile(
  path: string,
  write: (temporary: string) => Promise<void> | void,
): Promise<void> {
  const temporary = join(dirname(resolve(path)), `.${basename(path)}.partial-${process.pid}`);
  try {
    await write(temporary);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
