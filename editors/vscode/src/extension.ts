// archlint for VS Code: starts `archlint server` (the language server of the archlint Python
// package) and connects it to the editor with vscode-languageclient.  The server does the work:
// diagnostics (pulled by VS Code), quick fixes, "Fix all", hover docs; the settings go to it
// through the standard configuration request (section "archlint").
import { spawn } from "child_process";
import * as vscode from "vscode";
import {
  CloseAction,
  ErrorAction,
  ErrorHandler,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
} from "vscode-languageclient/node";
import { Launch, Problem, checkPython, diagnose, launches } from "./launch";

const LANGUAGES = ["dockerfile", "makefile", "shellscript", "yaml", "markdown", "python"];
/** settings that change how the server is started or how VS Code asks it: a restart applies them */
const RESTART_SETTINGS = ["archlint.path", "archlint.args", "archlint.lintOnChange"];

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let starting: Promise<void> | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("archlint");
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand("archlint.restart", () => restart()),
    vscode.commands.registerCommand("archlint.showLog", () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (RESTART_SETTINGS.some((s) => e.affectsConfiguration(s))) {
        void restart();
      }
    }),
  );
  const python = await pythonApi();
  if (python?.environments?.onDidChangeActiveEnvironmentPath) {
    context.subscriptions.push(python.environments.onDidChangeActiveEnvironmentPath(() => {
      if (!vscode.workspace.getConfiguration("archlint").get<string>("path")) {
        void restart();
      }
    }));
  }
  await restart();
}

export async function deactivate(): Promise<void> {
  await stop();
}

async function stop(): Promise<void> {
  const c = client;
  client = undefined;
  if (c && c.state !== State.Stopped) {
    try {
      await c.stop(2000);
    } catch (e) {
      output.appendLine(`archlint: stopping the server: ${String(e)}`);
    }
  }
}

function restart(): Promise<void> {
  const run = (starting ?? Promise.resolve()).then(async () => {
    await stop();
    await start();
  });
  starting = run.catch(() => undefined);
  return run;
}

async function start(): Promise<void> {
  const config = vscode.workspace.getConfiguration("archlint");
  const settings = {
    path: config.get<string>("path") ?? "",
    args: config.get<string[]>("args") ?? [],
    interpreter: await interpreter(),
  };
  const problems: Problem[] = [];
  for (const launch of launches(settings)) {
    if (launch.python) {
      const problem = await checkPython(launch);
      if (problem) {
        output.appendLine(`archlint: ${problem.message}`);
        problems.push(problem);
        if (problem.tryNext) continue;
        break;
      }
    }
    const problem = await connect(launch, config.get<boolean>("lintOnChange") ?? true);
    if (!problem) {
      return;
    }
    problems.push(problem);
    if (!problem.tryNext) break;
  }
  // the first problem is about what the user chose (archlint.path, the selected interpreter)
  const message = problems[0]?.message ?? "archlint's language server could not be started.";
  const choice = await vscode.window.showErrorMessage(message, "Open Settings", "Show Log");
  if (choice === "Open Settings") {
    await vscode.commands.executeCommand("workbench.action.openSettings", "archlint.path");
  } else if (choice === "Show Log") {
    output.show(true);
  }
}

/** Start the client on one launch; a Problem when the server ended before it answered. */
async function connect(launch: Launch, lintOnChange: boolean): Promise<Problem | undefined> {
  let stderr = "";
  let exit: number | string | null = null;
  let running = false; // the server answered initialize
  const serverOptions: ServerOptions = () =>
    new Promise((resolve, reject) => {
      output.appendLine(`archlint: starting ${launch.command} ${launch.args.join(" ")} (${launch.origin})`);
      const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      const proc = spawn(launch.command, launch.args, { cwd, env: process.env, windowsHide: true });
      proc.on("error", (e: NodeJS.ErrnoException) => {
        exit = e.code ?? String(e);
        reject(e);
      });
      proc.on("exit", (code) => {
        exit = code;
      });
      proc.stderr.on("data", (chunk: Buffer) => {
        const text = chunk.toString();
        if (stderr.length < 65536) stderr += text;
        output.append(text); // the server's log (ARCHLINT_LOG=info for more)
      });
      proc.on("spawn", () => resolve(proc));
    });
  const selector = LANGUAGES.flatMap((language) => [
    { scheme: "file", language },
    { scheme: "untitled", language },
  ]);
  const clientOptions: LanguageClientOptions = {
    documentSelector: selector,
    outputChannel: output,
    // a change of the section is sent (didChangeConfiguration); the server then asks for it
    synchronize: { configurationSection: "archlint" },
    diagnosticPullOptions: { onChange: lintOnChange, onSave: true },
    // a server that cannot start is reported once, by us (with what to do), not restarted
    errorHandler: errorHandler(() => running),
    initializationFailedHandler: () => false,
  };
  const c = new LanguageClient("archlint", "archlint", serverOptions, clientOptions);
  try {
    await c.start();
    running = true;
    client = c;
    return undefined;
  } catch (e) {
    await new Promise((r) => setTimeout(r, 200)); // the exit code and the last of stderr
    try {
      await c.dispose(1000);
    } catch {
      // already stopped
    }
    const problem = diagnose(launch, exit, stderr);
    output.appendLine(`archlint: ${problem?.message ?? String(e)}`);
    return problem ?? { message: `archlint server (${launch.origin}) did not start: ${String(e)}`, tryNext: false };
  }
}

/** Before the server answered: stop quietly (connect() says why).  After: a server that ends is
 * started again, three times in three minutes at most. */
function errorHandler(running: () => boolean): ErrorHandler {
  const restarts: number[] = [];
  return {
    error: (_error, _message, count) => ({ action: running() && (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown, handled: !running() }),
    closed: () => {
      if (!running()) {
        return { action: CloseAction.DoNotRestart, handled: true };
      }
      const now = Date.now();
      restarts.push(now);
      while (restarts.length && now - restarts[0] > 3 * 60 * 1000) restarts.shift();
      if (restarts.length > 3) {
        return {
          action: CloseAction.DoNotRestart,
          message: "archlint's language server stopped 4 times in 3 minutes: see the archlint output channel; archlint: Restart the language server starts it again.",
        };
      }
      return { action: CloseAction.Restart };
    },
  };
}

/** The Python extension's API, when it is installed (its `environments` part). */
interface PythonApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string } | undefined;
    resolveEnvironment(env: { path: string } | string): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
    onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
  };
}

async function pythonApi(): Promise<PythonApi | undefined> {
  const ext = vscode.extensions.getExtension<PythonApi>("ms-python.python");
  if (!ext) return undefined;
  try {
    return ext.isActive ? ext.exports : await ext.activate();
  } catch (e) {
    output.appendLine(`archlint: the Python extension did not activate: ${String(e)}`);
    return undefined;
  }
}

/** The interpreter the Python extension selected for the (first) workspace folder. */
async function interpreter(): Promise<string | undefined> {
  const api = await pythonApi();
  const envs = api?.environments;
  if (!envs) return undefined;
  try {
    const active = envs.getActiveEnvironmentPath(vscode.workspace.workspaceFolders?.[0]?.uri);
    if (!active) return undefined;
    const env = await envs.resolveEnvironment(active);
    return env?.executable?.uri?.fsPath;
  } catch (e) {
    output.appendLine(`archlint: the Python extension's interpreter could not be read: ${String(e)}`);
    return undefined;
  }
}
