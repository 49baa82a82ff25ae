-- archlint's language server in Neovim's built-in LSP client (Neovim 0.7 and later).
--
-- Use it as a module: copy this file to ~/.config/nvim/lua/archlint.lua and, in init.lua,
--
--     require("archlint").setup({ settings = { platforms = { "linux/amd64", "linux/arm64" } } })
--
-- or source it as it is (nvim -u archlint.lua, :luafile archlint.lua): it calls setup() with the
-- defaults.  archlint itself: pip install 'archlint[lsp]' (`archlint` on the PATH, or set `cmd`).
--
-- With nvim-lspconfig, instead of setup():
--
--     require("archlint").lspconfig({ settings = { ... } })
--
-- On Neovim 0.11 and later the same table also works as `vim.lsp.config("archlint", M.config())`
-- followed by `vim.lsp.enable("archlint")`.
--
-- Settings (also `archlint server --help`): platforms, select, ignore, extendSelect, severity,
-- kubernetesVersion, pythonVersion, unsafeFixes, lintOnChange.  They reach the server both ways it
-- reads them: as the answer to workspace/configuration (section "archlint") and in
-- initializationOptions.
local M = {}

M.defaults = {
  cmd = { "archlint", "server" },
  filetypes = { "dockerfile", "make", "sh", "bash", "yaml", "yaml.docker-compose", "markdown", "python" },
  -- the first of these found upward from a file is its project's root (else the file's folder)
  root_markers = { ".archlint.toml", "pyproject.toml", ".git" },
  settings = {},
}

local function merged(opts)
  local o = vim.tbl_deep_extend("force", {}, M.defaults, opts or {})
  if opts and opts.settings then
    o.settings = opts.settings
  end
  return o
end

--- The project root of a file: the nearest folder upward holding one of `markers`.
local function find_root(path, markers)
  local dir = vim.fn.fnamemodify(path, ":p:h")
  while dir and dir ~= "" do
    for _, marker in ipairs(markers) do
      if vim.loop.fs_stat(dir .. "/" .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ":h")
    if parent == dir then
      break
    end
    dir = parent
  end
  return vim.fn.fnamemodify(path, ":p:h")
end

--- The client configuration (what vim.lsp.start / vim.lsp.start_client take).
function M.config(opts)
  local o = merged(opts)
  return {
    name = "archlint",
    cmd = o.cmd,
    filetypes = o.filetypes,
    root_markers = o.root_markers,
    -- workspace/configuration answers `settings.archlint`; initializationOptions carry the same
    settings = { archlint = o.settings },
    init_options = { archlint = o.settings },
  }
end

-- Containerfiles and *.dockerfile / Dockerfile.* are Dockerfiles (older Neovims don't know all)
local function add_filetypes()
  local group = vim.api.nvim_create_augroup("archlint_filetypes", { clear = true })
  vim.api.nvim_create_autocmd({ "BufRead", "BufNewFile" }, {
    group = group,
    pattern = { "Containerfile", "Containerfile.*", "*.dockerfile", "*.Dockerfile", "*.containerfile", "Dockerfile.*" },
    callback = function(args)
      vim.bo[args.buf].filetype = "dockerfile"
    end,
  })
end

local clients = {} -- root -> client id (Neovim 0.7: one client per project, reused)

--- Start (or reuse) the server for a buffer and attach it.
local function attach(bufnr, o)
  local path = vim.api.nvim_buf_get_name(bufnr)
  if path == "" or vim.bo[bufnr].buftype ~= "" then
    return
  end
  local root = find_root(path, o.root_markers)
  local config = M.config(o)
  config.root_dir = root
  config.filetypes, config.root_markers = nil, nil
  if vim.lsp.start then -- Neovim 0.8+: reuses a client of the same name and root
    vim.lsp.start(config, { bufnr = bufnr })
    return
  end
  local id = clients[root]
  if not id or not vim.lsp.get_client_by_id(id) then
    config.workspace_folders = { { uri = vim.uri_from_fname(root), name = root } }
    id = vim.lsp.start_client(config)
    clients[root] = id
  end
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
end

--- Attach archlint to every buffer of its filetypes (the built-in client; no plugin needed).
function M.setup(opts)
  local o = merged(opts)
  add_filetypes()
  local group = vim.api.nvim_create_augroup("archlint_lsp", { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = o.filetypes,
    callback = function(args)
      attach(args.buf, o)
    end,
  })
end

--- Register archlint with nvim-lspconfig (a custom server) and set it up.
function M.lspconfig(opts)
  local o = merged(opts)
  local configs = require("lspconfig.configs")
  local util = require("lspconfig.util")
  add_filetypes()
  if not configs.archlint then
    local c = M.config(o)
    configs.archlint = {
      default_config = {
        cmd = c.cmd,
        filetypes = c.filetypes,
        root_dir = util.root_pattern(unpack(o.root_markers)),
        single_file_support = true,
        settings = c.settings,
        init_options = c.init_options,
      },
    }
  end
  require("lspconfig").archlint.setup({})
end

-- sourced as a file (nvim -u archlint.lua, :luafile): set up with the defaults
if ... == nil then
  M.setup()
end

return M
