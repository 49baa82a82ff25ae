// How the extension starts `archlint server`, and what it tells the user when it cannot.
// No `vscode` import: the Node test runner tests this module as it is.
import { execFile } from "child_process";
import * as path from "path";

/** One way to start the server: `command ...args`. */
export interface Launch {
  command: string;
  args: string[];
  /** what to call it in messages ("the Python extension's interpreter /usr/bin/python3") */
  origin: string;
  /** a Python interpreter run with `-m archlint` (its imports can be checked first) */
  python: boolean;
}

export interface LaunchSettings {
  /** `archlint.path` (empty: not set) */
  path: string;
  /** `archlint.args`: before the `server` subcommand */
  args: string[];
  /** the Python extension's interpreter for the workspace, if it has one */
  interpreter?: string;
}

const PYTHON_NAME = /^(python|pythonw|python3)(\.\d+)?(\.exe)?$|^python3\.\d+(\.exe)?$/i;

/** The ways to try, in order: `archlint.path` alone when it is set (a Python interpreter runs
 * `-m archlint`); else the Python extension's interpreter, then `archlint` on the PATH. */
export function launches(s: LaunchSettings): Launch[] {
  const args = s.args ?? [];
  if (s.path) {
    if (PYTHON_NAME.test(path.basename(s.path))) {
      return [{ command: s.path, args: ["-m", "archlint", ...args, "server"], origin: `archlint.path (${s.path})`, python: true }];
    }
    return [{ command: s.path, args: [...args, "server"], origin: `archlint.path (${s.path})`, python: false }];
  }
  const out: Launch[] = [];
  if (s.interpreter) {
    out.push({
      command: s.interpreter,
      args: ["-m", "archlint", ...args, "server"],
      origin: `the Python extension's interpreter (${s.interpreter})`,
      python: true,
    });
  }
  out.push({ command: "archlint", args: [...args, "server"], origin: "archlint on the PATH", python: false });
  return out;
}

/** What a failed start says: the problem in one sentence, and whether the next way may be tried. */
export interface Problem {
  message: string;
  tryNext: boolean;
}

/** The problem behind a start that ended before the server answered, from its exit code (or the
 * spawn error's code, "ENOENT") and what it wrote on stderr; undefined: nothing recognised. */
export function diagnose(launch: Launch, code: number | string | null, stderr: string): Problem | undefined {
  const who = launch.origin;
  if (code === "ENOENT") {
    return { message: `archlint was not found: ${who} does not exist. Install it (pip install 'archlint[lsp]') or set archlint.path.`, tryNext: true };
  }
  if (code === "EACCES") {
    return { message: `archlint could not be started: ${who} is not executable.`, tryNext: true };
  }
  // `archlint server` without pygls / lsprotocol: "archlint server needs pygls and lsprotocol (...): pip install 'archlint[lsp]'"
  if (/needs pygls and lsprotocol/.test(stderr) || /No module named '?(pygls|lsprotocol)/.test(stderr)) {
    const pip = launch.python ? `${launch.command} -m pip install 'archlint[lsp]'` : "pip install 'archlint[lsp]' where archlint is installed";
    return { message: `archlint is installed without its lsp extra (${who}): ${pip}`, tryNext: true };
  }
  if (/No module named '?archlint/.test(stderr)) {
    return { message: `archlint is not installed in ${who}: ${launch.command} -m pip install 'archlint[lsp]', or set archlint.path.`, tryNext: true };
  }
  if (/invalid choice: 'server'|unrecognized arguments/.test(stderr)) {
    return { message: `${who} is not an archlint that has a language server (archlint server): upgrade it, or check archlint.args.`, tryNext: false };
  }
  if (code !== null && code !== 0) {
    const last = stderr.trim().split(/\r?\n/).pop() ?? "";
    return { message: `archlint server (${who}) exited with ${code}${last ? `: ${last}` : ""}. See the archlint output channel.`, tryNext: false };
  }
  return undefined;
}

/** Check a Python launch before starting it: the imports `archlint server` needs, in a few
 * hundred milliseconds.  Undefined when they import. */
export function checkPython(launch: Launch, timeoutMs = 20000): Promise<Problem | undefined> {
  return new Promise((resolve) => {
    execFile(
      launch.command,
      ["-c", "import archlint, pygls, lsprotocol"],
      { timeout: timeoutMs, windowsHide: true },
      (error, _stdout, stderr) => {
        if (!error) {
          resolve(undefined);
          return;
        }
        const code = (error as NodeJS.ErrnoException).code ?? (error as { status?: number }).status ?? 1;
        resolve(diagnose(launch, typeof code === "string" || typeof code === "number" ? code : 1, String(stderr)) ?? {
          message: `${launch.origin} could not import archlint: ${String(stderr).trim() || error.message}`,
          tryNext: true,
        });
      },
    );
  });
}
