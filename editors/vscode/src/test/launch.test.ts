// node --test out/test/: the launch order, and the messages of a start that failed, against a
// real Python (the one given in ARCHLINT_TEST_PYTHON, with archlint and its lsp extra).
import { strict as assert } from "assert";
import { test } from "node:test";
import { checkPython, diagnose, launches } from "../launch";

test("archlint.path alone, a Python interpreter runs -m archlint", () => {
  assert.deepEqual(launches({ path: "/opt/bin/archlint", args: [], interpreter: "/usr/bin/python3" }).map((l) => [l.command, l.args]), [
    ["/opt/bin/archlint", ["server"]],
  ]);
  assert.deepEqual(launches({ path: "/venv/bin/python3.12", args: [] })[0].args, ["-m", "archlint", "server"]);
  assert.deepEqual(launches({ path: "pipx", args: ["run", "--spec", "archlint[lsp]", "archlint"] })[0].args, [
    "run", "--spec", "archlint[lsp]", "archlint", "server",
  ]);
});

test("without archlint.path: the selected interpreter, then archlint on the PATH", () => {
  const l = launches({ path: "", args: [], interpreter: "/w/.venv/bin/python" });
  assert.deepEqual(l.map((x) => [x.command, x.python]), [["/w/.venv/bin/python", true], ["archlint", false]]);
  assert.deepEqual(launches({ path: "", args: [] }).map((x) => x.command), ["archlint"]);
});

test("the server's own message without the lsp extra", () => {
  const [launch] = launches({ path: "archlint", args: [] });
  const p = diagnose(launch, 2, "archlint server needs pygls and lsprotocol (No module named 'pygls'): pip install 'archlint[lsp]'\n");
  assert.ok(p && p.message.includes("without its lsp extra") && p.message.includes("archlint[lsp]"), p?.message);
  assert.match(diagnose(launch, "ENOENT", "")!.message, /not found/);
  assert.equal(diagnose(launch, null, ""), undefined);
});

const python = process.env.ARCHLINT_TEST_PYTHON;
const bare = process.env.ARCHLINT_TEST_BARE_PYTHON;
test("real interpreters: with archlint and its extra, without archlint, none", { skip: !python && "ARCHLINT_TEST_PYTHON is not set" }, async () => {
  const [good] = launches({ path: "", args: [], interpreter: python });
  assert.equal(await checkPython(good), undefined);
  const missing = await checkPython({ ...good, command: "/nonexistent/python3" });
  assert.ok(missing && /not found/.test(missing.message) && missing.tryNext, missing?.message);
  if (bare) {
    const without = await checkPython({ ...good, command: bare });
    assert.ok(without && /not installed in/.test(without.message) && without.message.includes("pip install 'archlint[lsp]'"), without?.message);
  }
});
