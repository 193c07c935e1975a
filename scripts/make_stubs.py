#!/usr/bin/env python3
"""Regenerates exercises/ (the learner's stubs) from solutions/.

Each solution file holds one exercise: a doc comment naming "Exercise N.M" and one
`public func` whose body ends with a `}` in column 0. The stub keeps the file's imports,
doc comment and signature, and replaces the body with `throw Todo("N.M")`, so an untouched
stub reports "not started" and never crashes the check run.
Usage: python3 scripts/make_stubs.py [chapter-folder ...]   (default: all)
"""
import os, re, sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
folders = sys.argv[1:] or sorted(os.listdir(os.path.join(root, "solutions")))
for folder in folders:
    src = os.path.join(root, "solutions", folder)
    if not os.path.isdir(src):
        continue
    dst = os.path.join(root, "exercises", folder)
    os.makedirs(dst, exist_ok=True)
    for name in sorted(os.listdir(src)):
        if not name.endswith(".swift"):
            continue
        text = open(os.path.join(src, name), encoding="utf-8").read()
        m = re.search(r"Exercise (\d+\.\d+)", text)
        if not m:
            sys.exit(f"{folder}/{name}: no 'Exercise N.M' in the doc comment")
        ex = m.group(1)
        start = text.index("public func")
        body = text.index(" {\n", start) + 3
        end = text.index("\n}\n", body)
        stub = (text[:body]
                + f"    // Write your code here, then run `swift run course check {ex.split('.')[0]}`.\n"
                + f'    throw Todo("{ex}")'
                + text[end:])
        if "import Core" not in stub:
            stub = "import Core\n" + stub
        open(os.path.join(dst, name), "w", encoding="utf-8").write(stub)
        print(f"exercises/{folder}/{name}: stub for {ex}")
