#!/usr/bin/env bash
# Refreshes disposable_domains.txt from the disposable-email-domains project
# (github.com/disposable-email-domains/disposable-email-domains, list dedicated to the public
# domain under CC0-1.0), through its Python package of the same name, which mirrors the
# project's blocklist as a Python set.
#
#   crates/veto-verify/data/update.sh            # newest published version
#   crates/veto-verify/data/update.sh 0.0.293    # a given version
#
# Needs python3 with pip. The package is downloaded, never installed, and its module is read as
# data (a literal set parsed with `ast.literal_eval`), never executed.
set -euo pipefail

version="${1:-}"
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/disposable_domains.txt"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

spec="disposable-email-domains"
[ -n "$version" ] && spec="$spec==$version"
python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$tmp" "$spec"

python3 - "$tmp" "$out.new" <<'PY'
import ast, datetime, glob, re, sys, zipfile

tmp, out = sys.argv[1], sys.argv[2]
wheels = glob.glob(f"{tmp}/disposable_email_domains-*.whl")
if len(wheels) != 1:
    sys.exit(f"expected one wheel, found {wheels}")
version = re.match(r".*/disposable_email_domains-([^-]+)-", wheels[0]).group(1)
with zipfile.ZipFile(wheels[0]) as z:
    source = z.read("disposable_email_domains/__init__.py").decode("utf-8")

domains = None
for node in ast.parse(source).body:
    if isinstance(node, ast.Assign) and any(
        isinstance(t, ast.Name) and t.id == "blocklist" for t in node.targets
    ):
        domains = ast.literal_eval(node.value)
if not domains:
    sys.exit("no `blocklist = {...}` literal found in the package")

label = re.compile(r"^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$")
good, bad = set(), []
for d in domains:
    d = d.strip().lower().rstrip(".")
    if "." in d and len(d) <= 253 and all(label.match(l) for l in d.split(".")):
        good.add(d)
    else:
        bad.append(d)
if bad:
    print(f"skipped {len(bad)} entries that are not host names: {bad[:10]}", file=sys.stderr)
if len(good) < 1000:
    sys.exit(f"only {len(good)} domains: refusing to replace the list")

today = datetime.date.today().isoformat()
with open(out, "w", encoding="ascii") as f:
    f.write(
        "# Disposable-mail domains, one per line, lower case; '#' starts a comment line.\n"
        "# A listed domain also covers its subdomains (sub.mailinator.com is disposable).\n"
        "#\n"
        "# Source:  the disposable-email-domains project\n"
        "#          (github.com/disposable-email-domains/disposable-email-domains),\n"
        f"#          taken from its Python package disposable-email-domains {version}.\n"
        "# Licence: the list is dedicated to the public domain under CC0-1.0 by its authors;\n"
        "#          the Python package that carries it is MIT-licensed.\n"
        f"# Updated: {today} by data/update.sh; {len(good)} domains.\n"
    )
    for d in sorted(good):
        f.write(d + "\n")
print(f"disposable-email-domains {version}: {len(good)} domains", file=sys.stderr)
PY
mv "$out.new" "$out"
