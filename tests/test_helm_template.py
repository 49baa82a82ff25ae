"""The static Go-template (Helm) renderer: constructs and functions with the text Helm renders
(checked against Go's text/template rules, Sprig's and Helm's sources), unknowns, provenance,
parse errors, bounds and linear time."""
from __future__ import annotations

import time

import pytest

from archlint.helm import UNKNOWN, TemplateError, render_text
from archlint.helm.gofmt import go_float, to_yaml
from archlint.helm.semver import semver_match
from helpers import best_time

P = "$ARCHLINT_UNKNOWN"


def render(text: str, values=None, helpers: str = "", **kw) -> str:
    rendered, _notices = render_text(text, values, defines_text=helpers, **kw)
    return rendered.text


def notices(text: str, values=None, **kw) -> list:
    return [msg for _f, _l, msg in render_text(text, values, **kw)[1]]


def lines(text: str, values=None, helpers: str = "", **kw):
    return render_text(text, values, defines_text=helpers, **kw)[0].lines


# ---- the language -------------------------------------------------------------------------------


@pytest.mark.parametrize("template, values, expected", [
    ("plain text\n", None, "plain text\n"),
    # trim markers: "{{- " trims blanks before, " -}}" after; "-" needs the blank
    ("a  \n {{- 1 -}} \n  b", None, "a1b"),
    ("a {{-3}} b", None, "a -3 b"),
    ("a\n{{- /* a comment */ -}}\nb", None, "ab"),
    ("a{{/* multi\nline */}}b", None, "ab"),
    # variables, declaration and assignment
    ("{{ $x := 1 }}{{ $x = 2 }}{{ $x }}", None, "2"),
    ("{{ $x := \"a\" }}{{ if true }}{{ $x := \"b\" }}{{ $x }}{{ end }}{{ $x }}", None, "ba"),
    # range over a list, a dict (sorted keys), an int; else; break/continue
    ("{{ range .Values.l }}[{{ . }}]{{ end }}", {"l": ["a", "b"]}, "[a][b]"),
    ("{{ range $i, $v := .Values.l }}{{ $i }}={{ $v }};{{ end }}", {"l": ["a", "b"]}, "0=a;1=b;"),
    ("{{ range $k, $v := .Values.d }}{{ $k }}={{ $v }};{{ end }}", {"d": {"b": 1.0, "a": 2.0}}, "a=2;b=1;"),
    ("{{ range $v := .Values.d }}{{ $v }}{{ end }}", {"d": {"b": "x", "a": "y"}}, "yx"),
    ("{{ range 3 }}{{ . }}{{ end }}", None, "012"),
    ("{{ range .Values.l }}x{{ else }}empty{{ end }}", {"l": []}, "empty"),
    ("{{ range .Values.l }}{{ if eq . 2 }}{{ continue }}{{ end }}{{ if eq . 4 }}{{ break }}{{ end }}{{ . }}{{ end }}",
     {"l": [1, 2, 3, 4, 5]}, "13"),
    # a variable reassigned in a range keeps its value after it (Go 1.11+)
    ("{{ $n := 0 }}{{ range .Values.l }}{{ $n = add $n 1 }}{{ end }}{{ $n }}", {"l": ["a", "b", "c"]}, "3"),
    # $ is the root inside range and with
    ("{{ range .Values.l }}{{ $.Values.p }}{{ . }} {{ end }}", {"l": ["a", "b"], "p": "-"}, "-a -b "),
    ("{{ with .Values.a }}{{ .b }}/{{ $.Values.p }}{{ end }}", {"a": {"b": "x"}, "p": "y"}, "x/y"),
    # with: scoping and else, else with
    ("{{ with .Values.a }}{{ . }}{{ else }}none{{ end }}", {"a": ""}, "none"),
    ("{{ with .Values.a }}{{ . }}{{ else with .Values.b }}b={{ . }}{{ else }}none{{ end }}", {"b": "2"}, "b=2"),
    # if / else if / else
    ("{{ if .Values.a }}A{{ else if .Values.b }}B{{ else }}C{{ end }}", {"b": True}, "B"),
    ("{{ if .Values.a }}A{{ else if .Values.b }}B{{ else }}C{{ end }}", {}, "C"),
    ("{{ if and .Values.a (not .Values.b) }}yes{{ end }}", {"a": 1, "b": 0}, "yes"),
    # fields, chains, parenthesised pipelines
    ("{{ .Values.a.b.c }}", {"a": {"b": {"c": "deep"}}}, "deep"),
    ("{{ $x := .Values.a }}{{ $x.b }}", {"a": {"b": "v"}}, "v"),
    ("{{ (dict \"a\" (dict \"b\" 1)).a.b }}", None, "1"),
    ("{{ (printf \"%s-%s\" \"a\" \"b\") | upper }}", None, "A-B"),
    # a missing key prints nothing (Helm's missingkey=zero and "<no value>" removal)
    ("[{{ .Values.missing }}]", {}, "[]"),
    # literals: escapes, raw strings, chars, numbers, nil
    ("{{ \"a\\tb\\n\" | quote }}", None, '"a\\tb\\n"'),
    ("{{ `raw\\n` }}", None, "raw\\n"),
    ("{{ 'a' }}", None, "97"),
    ("{{ 1e3 }} {{ 0x1F }} {{ 3.0 }} {{ -2 }} {{ 1_000 }}", None, "1000 31 3 -2 1000"),
    ("{{ printf \"%v\" nil }}", None, "<nil>"),
    # values-file numbers are float64: Go prints a million as 1e+06
    ("{{ .Values.n }} {{ .Values.m }} {{ .Values.f }}", {"n": 1e6, "m": 80.0, "f": 0.25}, "1e+06 80 0.25"),
    ("{{ .Values.l }} {{ .Values.d }}", {"l": ["a", 1.0], "d": {"k": "v"}}, "[a 1] map[k:v]"),
])
def test_constructs(template, values, expected):
    assert render(template, values) == expected


HELPERS = """\
{{/* the chart's name */}}
{{- define "app.name" -}}
{{ .Chart.Name | trunc 63 }}
{{- end }}

{{- define "app.labels" -}}
app: {{ include "app.name" . }}
tier: {{ .Values.tier | default "web" }}
{{- end }}

{{- define "app.outer" -}}
outer({{ template "app.inner" . }})
{{- end }}
{{- define "app.inner" }}inner{{ end }}
"""


def test_defines_nested_and_include_with_nindent():
    template = "metadata:\n  labels:\n    {{- include \"app.labels\" . | nindent 4 }}\nx: {{ template \"app.outer\" . }}\n"
    assert render(template, {"tier": "db"}, HELPERS) == (
        "metadata:\n  labels:\n    app: chart\n    tier: db\nx: outer(inner)\n")


def test_block_renders_its_body_unless_defined_elsewhere():
    assert render('a{{ block "b" . }}[{{ .Values.x }}]{{ end }}c', {"x": 1}) == "a[1]c"
    assert render('a{{ block "b" . }}default{{ end }}c', {}, '{{ define "b" }}mine{{ end }}') == "aminec"


def test_include_lines_map_to_the_call_and_the_define():
    template = "labels:\n  {{- include \"app.labels\" . | nindent 2 }}\nend: 1\n"
    got = lines(template, {}, HELPERS)
    text = render(template, {}, HELPERS)
    assert text == "labels:\n  app: chart\n  tier: web\nend: 1\n"
    assert [(o.line, o.define_line) for o in got[:4]] == [(1, None), (2, 7), (2, 8), (3, None)]
    assert got[1].file == "template.yaml" and got[1].define_file == "_helpers.tpl"


# ---- functions ----------------------------------------------------------------------------------


@pytest.mark.parametrize("template, expected", [
    ('{{ "" | default "x" }}|{{ "a" | default "x" }}|{{ 0 | default 5 }}|{{ default "d" .Values.missing }}', "x|a|5|d"),
    # sprig's default takes more given values and uses the first (linkerd-viz's prometheus.yaml)
    ('{{ default "d" "linkerd-proxy" .Values.missing }}|{{ default "d" "" "later" }}', "linkerd-proxy|d"),
    ('{{ empty "" }} {{ empty (list) }} {{ empty 0 }} {{ empty "a" }} {{ empty (dict "a" 1) }}', "true true true false false"),
    ('{{ coalesce "" .Values.missing "c" "d" }}', "c"),
    ('{{ quote "a" 1 }} {{ squote "b" }} {{ quote .Values.missing }}', '"a" "1" \'b\' '),
    ('{{ printf "%s-%d-%v-%q-%t-%.2f-%5s|%-3d|%03d%%" "a" 3 true "q" false 1.5 "r" 7 5 }}',
     'a-3-true-"q"-false-1.50-    r|7  |005%'),
    ('{{ printf "%d %s" .Values.port .Values.port }}', "%!d(float64=80) %!s(float64=80)"),
    ('{{ printf "%s %s" "a" }}', "a %!s(MISSING)"),
    ('{{ print "a" 1 2 "b" }}|{{ println "a" 1 }}', "a1 2b|a 1\n"),
    ('{{ dict "b" 1 "a" (list 1 "x" true "<&>") | toJson }}', '{"a":[1,"x",true,"\\u003c\\u0026\\u003e"],"b":1}'),
    ('{{ (fromYaml "a: 1\\nb: [x, z]").b | last }} {{ (fromYaml "a: 1").a }}', "z 1"),
    # go-yaml v2 reads YAML 1.1 booleans (the "Norway problem" of Helm values)
    ('{{ (fromYaml "c: NO\\nd: y\\ne: \'no\'") | toJson }}', '{"c":false,"d":true,"e":"no"}'),
    ('{{ "a\\nb" | indent 2 }}|{{ "a\\nb" | nindent 2 }}', "  a\n  b|\n  a\n  b"),
    ('[{{ "  a \\n" | trim }}|{{ trimPrefix "a-" "a-b" }}|{{ trimSuffix "-b" "a-b" }}|{{ trimAll "$" "$$x$" }}]',
     "[a|b|a|x]"),
    ('{{ "Hello" | lower }} {{ "hi" | upper }} {{ "hello world-foo bar_baz" | title }}',
     "hello HI Hello World-Foo Bar_baz"),
    ('{{ "a.b.c" | replace "." "-" }}', "a-b-c"),
    ('{{ contains "ell" "hello" }} {{ hasPrefix "he" "hello" }} {{ hasSuffix "lo" "hello" }} {{ hasSuffix "x" "hello" }}',
     "true true true false"),
    ('{{ semverCompare ">=1.19-0" "v1.29.0" }} {{ semverCompare "<1.19" "1.29" }} {{ semverCompare "^1.2" "1.9.0" }}',
     "true false true"),
    ('{{ $d := dict "a" 1 }}{{ hasKey $d "a" }} {{ hasKey $d "b" }} {{ get $d "a" }} [{{ get $d "b" }}]',
     "true false 1 []"),
    ('{{ $d := dict "a" 1 }}{{ $_ := set $d "b" 2 }}{{ $_ := unset $d "a" }}{{ $d }}', "map[b:2]"),
    ('{{ $d := dict "a" 1 "n" (dict "x" 1) }}{{ $_ := merge $d (dict "a" 2 "c" 3 "n" (dict "x" 2 "y" 2)) }}{{ toJson $d }}',
     '{"a":1,"c":3,"n":{"x":1,"y":2}}'),
    ('{{ $d := dict "a" 1 }}{{ $_ := mergeOverwrite $d (dict "a" 2 "c" 3) }}{{ toJson $d }}', '{"a":2,"c":3}'),
    ('{{ keys (dict "b" 1 "a" 2) }} {{ pluck "a" (dict "a" 1) (dict "b" 2) (dict "a" 3) }}', "[a b] [1 3]"),
    ('{{ first (list 1 2 3) }} {{ last (list 1 2 3) }} {{ append (list 1 2) 3 }} {{ has 2 (list 1 2) }} {{ has 5 (list 1) }}',
     "1 3 [1 2 3] true false"),
    ('{{ ternary "yes" "no" true }} {{ ternary "yes" "no" false }}', "yes no"),
    ('{{ tpl "{{ .Values.a }}-x" . }}', "A-x"),
    ('{{ int "42" }} {{ int64 3.9 }} {{ "3.5" | float64 }} {{ 3 | toString | quote }} {{ int "x" }}', '42 3 3.5 "3" 0'),
    ('{{ len "abc" }} {{ len (list 1 2) }} {{ index (list "a" "b") 1 }} {{ index (dict "k" (dict "j" 5)) "k" "j" }}',
     "3 2 b 5"),
    ('{{ eq 1 1 }} {{ eq "a" "b" "a" }} {{ ne 1 2 }} {{ lt 1 2 }} {{ le 2 2 }} {{ gt "b" "a" }} {{ ge 1 2 }}',
     "true true true true true true false"),
    ('{{ eq .Values.port 80 }}', "true"),
    ('{{ and 1 0 2 }} {{ and 1 2 }} {{ or 0 "" "x" }} {{ or 0 "" }} {{ not true }}', "0 2 x  false"),
    ('{{ "hello" | b64enc }} {{ "hello" | sha256sum | trunc 12 }}', "aGVsbG8= 2cf24dba5fb0"),
    ('{{ trunc 3 "abcdef" }} {{ trunc -2 "abcdef" }} {{ substr 1 3 "abcdef" }} {{ substr 2 -1 "abcdef" }}', "abc ef bc cdef"),
    ('{{ (split "," "a,b")._1 }} {{ splitList "," "a,b" }} {{ join "-" (list "a" "b" 1) }}', "b [a b] a-b-1"),
    ('{{ regexMatch "^[a-z]+$" "abc" }} {{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }}', "true -W-xxW-"),
    # Sprig's regexSplit/regexFindAll as Go's Regexp.Split/FindAllString (traefik's chart splits
    # its image reference with regexSplit); regexQuoteMeta as Go's QuoteMeta
    ('{{ regexSplit "a*" "abaabaccadaaae" 5 }} {{ regexSplit "z+" "pizza" -1 }} {{ regexSplit ":" "a:b:c" 2 }} '
     '{{ regexSplit "" "abc" -1 }} {{ regexSplit ":" "a:b" 0 | len }} {{ regexFindAll "a." "abacad" 2 }} '
     '{{ regexQuoteMeta "1.2+[x]" }}', "[ b b c cadaaae] [pi a] [a b:c] [a b c] 0 [ab ac] 1\\.2\\+\\[x\\]"),
    # Go: an empty string splits into one empty piece; no empty match right after a match
    ('{{ regexSplit ":" "" -1 | len }} {{ regexFindAll "x*" "axb" -1 | len }}', "1 3"),
    ('{{ kindIs "map" (dict) }} {{ kindIs "slice" (list) }} {{ typeOf 1.5 }} {{ typeOf (list) }} {{ typeOf "s" }}',
     "true true float64 []interface {} string"),
    ('{{ "query-frontend" | camelcase | untitle }} {{ "http_server" | camelcase }} {{ "_x" | camelcase }}',
     f"queryFrontend HttpServer {P}"),
    # xstrings.ToSnakeCase/ToKebabCase (linkerd: LINKERD2_PROXY_{{ snakecase $k | upper }} over
    # inbound.server.http2.keepAliveInterval); a digit after a capital, a separator at an end or
    # doubled: the libraries' versions disagree, unknown
    ('{{ snakecase "keepAliveInterval" }} {{ snakecase "http2" }} {{ snakecase "HTTPServer" }} '
     '{{ snakecase "NoHTTPS" }} {{ snakecase "GO-PATH" }} {{ snakecase "go path" }} {{ kebabcase "FirstName" }}',
     "keep_alive_interval http2 http_server no_https go_path go_path first-name"),
    ('{{ snakecase "HTTP2" }}|{{ snakecase "a__b" }}|{{ snakecase "_a" }}|{{ kebabcase "a." }}', f"{P}|{P}|{P}|{P}"),
    # a map parameter given nil (a key no values file sets) is an empty map, as Go passes it
    # (temporal: hasKey (get $datastores "default") "sql" with default: left empty)
    ('{{ hasKey .Values.none "sql" }} {{ get .Values.none "k" | quote }} {{ merge (dict "a" 1) .Values.none | toJson }} '
     '{{ merge .Values.none (dict "b" 2) | toJson }} {{ keys .Values.none | len }}', 'false "" {"a":1} {"b":2} 0'),
    # Sprig's path functions, as Go's path package: base, dir, ext, clean, isAbs
    ('{{ base "files/crds/a.yaml" }} {{ base "" }} {{ base "a/b/" }} {{ dir "files/a.yaml" }} {{ dir "a" }} '
     '{{ ext "x/y.tar.gz" }}|{{ ext "x.y/z" }}| {{ clean "a//b/../c/" }} {{ isAbs "/a" }} {{ osBase "a/b" }}',
     "a.yaml . b files . .gz|| a/c true b"),
    ('{{ dict "a" "<b>&" | toRawJson }} {{ dict "a" "<b>" | toJson }}', '{"a":"<b>&"} {"a":"\\u003cb\\u003e"}'),
    ('{{ add 1 2 3 }} {{ sub 5 2 }} {{ mul 2 3 }} {{ div 7 2 }} {{ mod 7 2 }} {{ until 3 }}', "6 3 6 3 1 [0 1 2]"),
    # Sprig's mustFromJson reads any JSON value; Helm's fromJson a map (opentelemetry-demo ranges
    # over a list of env maps); bad JSON stops Helm's render: unknown
    ('{{ range (mustFromJson "[{\\"name\\":\\"A\\"},{\\"name\\":\\"B\\"}]") }}{{ .name }}{{ end }} '
     '{{ (fromJson "[1]").Error | quote }} {{ mustFromJson "[1, 2]" | len }}|{{ mustFromJson "{" }}|'
     '{{ mustFromJson "abc" }}', f'AB "not a map" 2|{P}|{P}'),
    # Sprig's any/all: whether some (every) value is not empty; an unknown decides only when the
    # known values do not (opentelemetry-kube-stack's any $enabled (dig ...))
    ('{{ any 0 "" "x" }} {{ any 0 "" }} {{ any }} {{ all 1 "a" }} {{ all 1 "" }} {{ all }} '
     '{{ any true (randAlphaNum 3) }} {{ all false (randAlphaNum 3) }}|{{ any false (randAlphaNum 3) }}',
     f"true false false true false true true false|{P}"),
])
def test_functions(template, expected):
    assert render(template, {"port": 80.0, "a": "A"}) == expected


def test_to_yaml_as_helm_writes_it():
    values = {"resources": {"limits": {"cpu": "100m", "memory": 128.0}}, "args": ["--a", "b: c"], "flag": "true",
              "empty": "", "nested": [{"name": "x", "ports": [80.0]}], "multi": "l1\nl2\n", "none": {}}
    assert render("{{ toYaml .Values }}", values) == (
        "args:\n"
        "- --a\n"
        "- 'b: c'\n"
        'empty: ""\n'
        'flag: "true"\n'
        "multi: |\n"
        "  l1\n"
        "  l2\n"
        "nested:\n"
        "- name: x\n"
        "  ports:\n"
        "  - 80\n"
        "none: {}\n"
        "resources:\n"
        "  limits:\n"
        "    cpu: 100m\n"
        "    memory: 128")
    assert to_yaml([], P) == "[]\n"


def test_a_required_value_left_out_is_unknown_and_fail_stops_the_render():
    # the value is given at install time (--set, the user's values file): unknown, not an error
    assert render('a\n{{ required "image.tag is required" .Values.image.tag }}', {"image": {}}) == "a\n" + P
    with pytest.raises(TemplateError) as e:
        render('{{ fail "unsupported" }}')
    assert e.value.message == "unsupported"
    assert render('{{ required "x" .Values.a }}', {"a": "set"}) == "set"


def test_nil_pointer_is_helms_error():
    with pytest.raises(TemplateError) as e:
        render("x\n\n{{ .Values.a.b }}", {})
    assert e.value.line == 3 and "nil pointer evaluating interface {}.b" in e.value.message


def test_go_float_printing():
    assert [go_float(x) for x in (3.0, 1e6, 1234567.0, 100000.0, 0.5, 1.5e-5, 0.0001, -2.5)] == [
        "3", "1e+06", "1.234567e+06", "100000", "0.5", "1.5e-05", "0.0001", "-2.5"]


@pytest.mark.parametrize("constraint, version, expected", [
    (">=1.19-0", "v1.29.0", True), (">=1.19-0", "1.18.5", False), (">=1.19-0", "v1.19.0-gke.1", True),
    (">=1.19", "v1.19.0-gke.1", False),  # a prerelease only matches a constraint naming one
    ("<1.22", "1.21.9", True), ("<1.22", "1.22.0", False), ("~1.2", "1.2.9", True), ("~1.2", "1.3.0", False),
    ("~1.2.3", "1.2.4", True), ("^1.2", "1.9.0", True), ("^1.2", "2.0.0", False), ("^0.2.3", "0.2.9", True),
    ("^0.2.3", "0.3.0", False), (">=1.16, <1.22", "1.20.0", True), (">=1.16 <1.22", "1.23.0", False),
    ("<1.10 || >=1.20", "1.25.0", True), ("<1.10 || >=1.20", "1.15.0", False), ("1.2.x", "1.2.7", True),
    ("1.2.x", "1.3.0", False), ("*", "3.0.0", True), ("1.19 - 1.21", "1.21.0", True), ("!=1.20", "1.20.0", False),
    ("> 1.x", "2.0.0", True), ("> 1.x", "1.9.0", False), ("=1.20.0", "v1.20.0", True),
])
def test_semver_constraints(constraint, version, expected):
    assert semver_match(constraint, version) is expected


# ---- capabilities ---------------------------------------------------------------------------------


CAPS = ('{{- if semverCompare ">=1.19-0" .Capabilities.KubeVersion.GitVersion }}networking.k8s.io/v1'
        '{{- else }}extensions/v1beta1{{ end }}')


def test_branches_on_the_kube_version_are_decided():
    assert render(CAPS, kube_version="1.18") == "extensions/v1beta1"
    assert render(CAPS, kube_version="1.29") == "networking.k8s.io/v1"
    assert not any(o.conditional for o in lines(CAPS, kube_version="1.29"))
    assert render("{{ .Capabilities.KubeVersion.Version }} {{ .Capabilities.KubeVersion.Minor }} "
                  "{{ .Capabilities.KubeVersion }}", kube_version="1.29") == "v1.29.0 29 v1.29.0"


def test_branches_on_api_versions_are_decided_by_the_callable():
    t = '{{ if .Capabilities.APIVersions.Has "policy/v1/PodDisruptionBudget" }}policy/v1{{ else }}policy/v1beta1{{ end }}'
    assert render(t, api_has=lambda api: api.startswith("policy/v1/")) == "policy/v1"
    assert render(t, api_has=lambda api: False) == "policy/v1beta1"
    # without a callable the branch is undecided: the first branch, marked conditional
    assert render(t) == "policy/v1"
    assert [o.conditional for o in lines(t)] == [True]
    # Sprig's has over the VersionSet asks the same (external-secrets' _helpers.tpl)
    t = '{{ if has "monitoring.coreos.com/v1/ServiceMonitor" .Capabilities.APIVersions }}sm{{ else }}none{{ end }}'
    assert render(t, api_has=lambda api: api.startswith("monitoring.coreos.com/")) == "sm"
    assert render(t, api_has=lambda api: False) == "none"


def test_without_a_kube_version_the_version_is_unknown():
    assert render(CAPS) == "networking.k8s.io/v1"
    assert lines(CAPS)[0].conditional
    assert render("{{ .Capabilities.KubeVersion.GitVersion }}") == P


# ---- unknowns -----------------------------------------------------------------------------------


U = {"u": UNKNOWN, "t": True, "f": False}


@pytest.mark.parametrize("template, expected", [
    ('{{ now }}|{{ randAlphaNum 5 }}|{{ uuidv4 }}|{{ .Files.Get "x" }}', f"{P}|{P}|{P}|{P}"),
    ("{{ and false .Values.u }} {{ and .Values.u false }} {{ or true .Values.u }} {{ or .Values.u true }}",
     "false false true true"),
    ("{{ and true .Values.u }}|{{ or false .Values.u }}|{{ not .Values.u }}", f"{P}|{P}|{P}"),
    ("{{ eq .Values.u 1 }}|{{ .Values.u | upper }}|{{ printf \"%s:%s\" \"nginx\" .Values.u }}", f"{P}|{P}|{P}"),
    ('{{ default "x" .Values.u }}|{{ default .Values.u "given" }}|{{ default .Values.u "" }}', f"{P}|given|{P}"),
    ('{{ ternary "a" "a" .Values.u }}|{{ ternary "a" "b" .Values.u }}', f"a|{P}"),
    ('{{ coalesce "" .Values.u "x" }}|{{ coalesce "y" .Values.u }}', f"{P}|y"),
    ("{{ .Values.u.deeper.still }}", P),
    ('{{ toYaml (dict "a" .Values.u "b" 1) }}', f"a: {P}\nb: 1"),
    ('{{ list 1 .Values.u }}', f"[1 {P}]"),
])
def test_unknown_propagation(template, expected):
    assert render(template, U) == expected


def test_undecided_if_with_equal_branches_is_not_conditional():
    t = "a\n{{ if .Values.u }}same{{ else }}same{{ end }}\n"
    assert render(t, U) == "a\nsame\n"
    assert not any(o.conditional for o in lines(t, U))


def test_undecided_if_keeps_the_non_empty_branch_marked_conditional():
    t = "kind: Pod\n{{- if .Values.u }}\nextra: 1\n{{- end }}\nend: 2\n"
    assert render(t, U) == "kind: Pod\nextra: 1\nend: 2\n"
    assert [o.conditional for o in lines(t, U)] == [False, True, False, False]
    t = "{{ if .Values.u }}{{ else }}only-else{{ end }}"
    assert render(t, U) == "only-else" and lines(t, U)[0].conditional


def test_undecided_if_with_different_branches_renders_the_first_conditional():
    t = "{{ if .Values.u }}first{{ else }}second{{ end }}\nafter\n"
    assert render(t, U) == "first\nafter\n"
    assert [o.conditional for o in lines(t, U)] == [True, False, False]


def test_undecided_if_where_one_branch_fails_renders_the_other():
    t = '{{ if .Values.u }}{{ fail "no" }}{{ else }}ok{{ end }}'
    assert render(t, U) == "ok" and lines(t, U)[0].conditional


def test_a_variable_the_branches_set_differently_is_unknown_after():
    assert render("{{ $x := 1 }}{{ if .Values.u }}{{ $x = 2 }}{{ end }}{{ $x }}", U) == P
    assert render("{{ $x := 1 }}{{ if .Values.u }}{{ $x = 1 }}{{ end }}{{ $x }}", U) == "1"


def test_range_over_unknown_renders_nothing_and_says_so():
    assert render("a{{ range .Values.u }}x{{ end }}b", U) == "ab"
    assert notices("a{{ range .Values.u }}x{{ end }}b", U) == ["range over a value that is not known: nothing rendered"]


def test_an_unknown_function_is_unknown_with_a_notice():
    assert render("v: {{ frobnicate 1 }}") == f"v: {P}"
    assert notices("\n{{ frobnicate 1 }}") == ['function "frobnicate" is not evaluated: its result is unknown']
    assert render_text("\n{{ frobnicate 1 }}")[1][0][1] == 2


def test_the_placeholder_is_the_callers():
    assert render("{{ now }}", placeholder="<?>") == "<?>"


def test_an_unknown_block_indented_stays_on_its_own_lines():
    # labels: then {{ include ... | nindent 4 }} of an unknown: a placeholder where the block goes
    assert render("labels:\n  {{- .Values.u | nindent 4 }}\n    b: 1\nx: {{ .Values.u | indent 2 }}", U) == \
        f"labels:\n    # {P}\n    b: 1\nx:   # {P}"


def test_the_defines_of_a_tpl_text_are_its_own():
    # Helm parses a tpl text into a clone of the chart's templates: its defines replace the
    # chart's for that text and are gone after it
    helpers = '{{ define "x" }}outer{{ end }}'
    text = '{{ tpl "{{ define \\"x\\" }}inner{{ end }}{{ include \\"x\\" . }}" . }}|{{ include "x" . }}'
    assert render(text, {}, helpers) == "inner|outer"
    with pytest.raises(TemplateError, match='no template "y"'):
        render('{{ tpl "{{ define \\"y\\" }}y{{ end }}" . }}{{ include "y" . }}', {}, helpers)


def test_the_values_of_a_dependency_not_read_are_partly_known():
    from archlint.helm.evaluate import OpenVDict

    # an empty one may hold the dependency's defaults: of unknown truth; a copy stays partly known
    dep = {"dep": OpenVDict(), "known": OpenVDict({"port": 1.0})}
    assert render('{{ if .Values.dep }}a{{ else }}{{ end }}|{{ if .Values.known }}b{{ else }}c{{ end }}|'
                  '{{ (deepCopy .Values.known).image.tag }}|{{ .Values.known.port }}', dep) == f"a|b|{P}|1"
    assert lines('{{ if .Values.dep }}a{{ end }}', dep)[0].conditional


def test_lookup_is_an_empty_map_as_in_helm_template():
    # helm template asks no cluster: the object is not found
    assert render('{{ $s := lookup "v1" "Secret" "ns" "x" }}{{ len $s }}|{{ if $s }}reuse{{ else }}new{{ end }}') == "0|new"


def test_clock_functions_are_unknown_without_a_notice():
    # linkerd's heartbeat: schedule "{{ dateInZone "04 15 * * *" (now | mustDateModify "+10m") "UTC" }}"
    template = 's: {{ dateInZone "04 15 * * *" (now | mustDateModify "+10m") "UTC" }} {{ mustToDate "2006" "2024" }}'
    assert render(template) == f"s: {P} {P}"
    assert notices(template) == []


# ---- provenance -----------------------------------------------------------------------------------


def test_values_provenance_on_the_line_they_are_printed():
    from archlint.helm import load_values

    values = load_values("image:\n  repository: nginx\n  tag: latest\nport: 80\n", "values.yaml")
    t = 'image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"\nport: {{ .Values.port }}\n'
    got = lines(t, values)
    assert [(v.path, v.file, v.line, v.value) for v in got[0].values] == [
        ("image.repository", "values.yaml", 2, "nginx"), ("image.tag", "values.yaml", 3, "latest")]
    assert [(v.path, v.line, v.value) for v in got[1].values] == [("port", 4, "80")]


def test_text_lines_follow_trimmed_template_lines():
    t = "a: 1\n{{- if true }}\nb: 2\n{{- end }}\n\n{{/* c */}}\nc: 3\n"
    assert render(t) == "a: 1\nb: 2\n\n\nc: 3\n"
    assert [o.line for o in lines(t)] == [1, 3, 5, 6, 7, 8]


# ---- errors and bounds ----------------------------------------------------------------------------


@pytest.mark.parametrize("template, line, message", [
    ("a\n{{ if .X }}\nb", 3, "unexpected EOF"),
    ("ok\n{{ end }}", 2, "unexpected {{end}}"),
    ("a\n\n{{ .X", 3, "unclosed action"),
    ("{{ \"abc }}\n", 1, "unterminated quoted string"),
    ("a\n{{/* never closed", 2, "unclosed comment"),
    ("{{/* c */ }}", 1, "comment ends before closing delimiter"),
    ("x\n{{ break }}", 2, "{{break}} outside {{range}}"),
    ("{{ if }}{{ end }}", 1, "missing value for if"),
    ("\n{{ .a | }}", 2, "missing command after |"),
    ("{{ 3abc }}", 1, "unexpected"),
    ("{{ if true }}" * 200 + "{{ end }}" * 200, 1, "nesting deeper than 100 levels"),
    ("{{ " + "(" * 300 + "1" + ")" * 300 + " }}", 1, "nesting deeper than 100 levels"),
])
def test_parse_errors_have_lines(template, line, message):
    with pytest.raises(TemplateError) as e:
        render(template)
    assert e.value.line == line
    assert message in e.value.message


def test_recursive_include_is_stopped():
    with pytest.raises(TemplateError) as e:
        render('{{ define "a" }}{{ include "a" . }}{{ end }}{{ include "a" . }}')
    assert "nested reference" in e.value.message


def test_output_size_is_bounded():
    with pytest.raises(TemplateError) as e:
        render('{{ range until 100000 }}{{ repeat 1000 "x" }}{{ end }}')
    assert "output over" in e.value.message


# ---- linear time (the house style of tests/test_linear_time.py) ------------------------------------

GROWTH = 4
LIMIT = 9.0


def _cost(fn, n: int) -> float:
    return best_time(fn, n, runs=3)


def _try(text: str, values=None):
    try:
        return render(text, values)
    except TemplateError:
        return None


LINEAR = {
    "text": lambda n: render("a \n" * (20 * n)),
    "actions": lambda n: render("{{ .Values.x }}\n" * n, {"x": "y"}),
    "trims": lambda n: render("x  {{- 1 -}}  \n" * n),
    "undecided-ifs": lambda n: render("{{ if .Values.u }}a{{ else }}b{{ end }}\n" * n, U),
    "nested-ifs": lambda n: render(("{{ if .Values.t }}" * 90 + "x" + "{{ end }}" * 90 + "\n") * (n // 50), U),
    "includes": lambda n: render('{{ define "d" }}{{ .Values.x }}\n{{ end }}' + '{{ include "d" . | nindent 2 }}' * n,
                                 {"x": "y"}),
    "escaped-quotes": lambda n: _try('{{ "' + '\\"' * (5 * n) + '" }}'),
    "unclosed-strings": lambda n: _try('{{ "' + "a" * (20 * n)),
    "braces": lambda n: render("{a}" * (10 * n)),
    "range-dict": lambda n: render("{{ range $k, $v := .Values.d }}{{ $k }}={{ $v }}\n{{ end }}",
                                   {"d": {f"k{i}": i for i in range(n)}}),
}


@pytest.mark.parametrize("case", sorted(LINEAR))
def test_linear_time(case):
    fn = LINEAR[case]
    base = 2000
    fn(base // 4)
    small, large = _cost(fn, base), _cost(fn, base * GROWTH)
    ratio = large / max(small, 1e-4)
    assert ratio < LIMIT, f"×{GROWTH} the input took ×{ratio:.1f} the time ({small:.4f}s -> {large:.4f}s)"


# ---- no input crashes the renderer ---------------------------------------------------------------

from hypothesis import given, settings as hsettings, strategies as st  # noqa: E402

_PIECES = ["{{", "}}", "{{- ", " -}}", "{{/*", "*/}}", " ", "\n", ".Values.a", ".Values.u", "$x", ":=", "=", "|",
           "(", ")", '"s"', "`r`", "'c'", "1", "-2.5", "if", "else", "end", "range", "with", "define", "template",
           "block", "include", '"d"', "break", "continue", "toYaml", "nindent 2", "default", "and", "or", "not",
           "eq", "printf", "tpl", "$", ".", ",", "nil", "true", "x", "\\", '"', "lookup"]


@hsettings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40))
def test_any_text_renders_or_is_a_template_error(pieces):
    try:
        render_text("".join(pieces), {"a": {"b": [1.0, "x"]}, "u": UNKNOWN})
    except TemplateError:
        pass


def test_a_field_of_a_nil_pipeline_is_nil_and_of_a_missing_key_fails():
    # Go: a pipeline's nil is an invalid value, whose fields are nil (the charts' nil-safe idiom)
    assert render("[{{ (.Values.resources.limits).cpu }}]", {"resources": {}}) == "[]"
    assert render("[{{ ((.Values.a).b).c | default 0 }}]", {}) == "[0]"
    assert render("{{ $x := .Values.missing }}[{{ $x.field }}]", {}) == "[]"
    with pytest.raises(TemplateError) as e:
        render("{{ .Values.resources.limits.cpu }}", {"resources": {}})
    assert e.value.message == "nil pointer evaluating interface {}.cpu"


def test_blanks_before_a_trim_marker():
    # Go's lexer leaves the last blank before "-}}" to the marker
    assert render("{{- if true  -}}\n  x\n{{- end   -}}\n  y") == "xy"


def test_a_string_made_from_unknowns_decides_nothing():
    helpers = '{{ define "section" }}{{ .Values.u }}{{ end }}{{ define "named" }}app-{{ .Values.u }}{{ end }}'
    # printed, it shows the placeholder (also through text functions)
    assert render('{{ include "named" . | upper | quote }}', U, helpers) == f'"APP-{P.upper()}"'
    # a decision on it is unknown: hasKey, eq, index...
    t = '{{ $s := include "section" . }}{{ if not (hasKey .Values $s) }}{{ fail "no section" }}{{ end }}ok'
    assert render(t, U, helpers) == "ok"
    assert render('{{ eq (include "named" .) "app-x" }}|{{ include "named" . | sha256sum }}', U, helpers) == f"{P}|{P}"
    # an if on it is undecided when it may be empty, decided when known text is in it
    assert render('{{ if include "section" . }}a{{ end }}', U, helpers) == "a"
    assert lines('{{ if include "section" . }}a{{ end }}', U, helpers)[0].conditional
    assert not lines('{{ if include "named" . }}a{{ end }}', U, helpers)[0].conditional
    # toYaml of a structure holding an unknown gives such a string too
    assert render('{{ eq (toYaml (dict "a" .Values.u)) "a: 1" }}', U) == P


def test_an_empty_include_still_has_the_calls_line():
    t = "a: 1\n{{- include \"empty\" . | nindent 2 }}\nb: 2\n"
    assert render(t, {}, '{{ define "empty" }}{{ end }}') == "a: 1\n  \nb: 2\n"
    assert [o.line for o in lines(t, {}, '{{ define "empty" }}{{ end }}')] == [1, 2, 3, 4]


def test_values_read_into_variables_are_the_provenance_of_what_prints_them():
    from archlint.helm import load_values

    values = load_values("image:\n  registry: docker.io\n  repository: grafana/tempo\n  tag: '2.9'\n", "values.yaml")
    helpers = ('{{ define "image" }}{{ $r := .image.registry }}{{ $n := .image.repository }}'
               '{{- printf "%s/%s:%s" $r $n (.image.tag | toString) }}{{ end }}')
    (got,) = lines('image: {{ include "image" .Values }}\n', values, helpers)[:1]
    assert [(v.path, v.line) for v in got.values] == [("image.tag", 4), ("image.registry", 2), ("image.repository", 3)]


def test_include_is_rerun_when_a_define_changes_its_argument():
    helpers = '{{ define "count" }}{{ $_ := set . "n" (add .n 1) }}{{ .n }}{{ end }}'
    assert render('{{ $d := dict "n" 0 }}{{ include "count" $d }}{{ include "count" $d }}', {}, helpers) == "12"
    # and a pure helper included twice renders the same text at each call's line
    t = '{{ define "x" }}v{{ end }}a: {{ include "x" . }}\nb: {{ include "x" . }}\n'
    assert render(t) == "a: v\nb: v\n" and [o.line for o in lines(t)][:2] == [1, 2]
