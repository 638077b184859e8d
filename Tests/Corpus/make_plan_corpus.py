#!/usr/bin/env python3
"""Writes the committed corpus of hostile plan files (Tests/Corpus/plans). Run from anywhere:
python3 Tests/Corpus/make_plan_corpus.py.

Each case is one plan file and one line of plans/EXPECTED: `name<TAB>fragment`, where fragment is
part of the one-sentence error (or, for a plan that must be accepted, the warning) rankscope gives
when the plan is read and applied to a small llama-shaped checkpoint. The plan over 16 MiB is not
committed (the test makes it as a sparse file). Each plan is also a fuzz seed (seeds/plan-*.json);
make_corpus.py, which rewrites the seeds, runs this script last."""
import json, os, shutil

HERE = os.path.dirname(os.path.abspath(__file__))
PLANS = os.path.join(HERE, "plans")
SEEDS = os.path.join(HERE, "seeds")


def plan(rules):
    return json.dumps({"format": "rankscope-plan", "version": 1, "rules": rules}, indent=2) + "\n"


def rule(pattern):
    return {"match": pattern, "rank": 4}


CASES = {
    # a backtracking engine takes exponential time on each of these; they must be quick no-matches
    "catastrophic-nested-star.json": (plan([rule("^(\\w+\\.?)*$x"), rule("(a*)*b"), rule("^(([a-z])+.)+[A-Z]([a-z])+$")]),
                                      "matches no compressible matrix"),
    "backreference.json": (plan([rule("(mlp)\\.\\1")]), "backreferences (\\1) are not supported"),
    "lookahead.json": (plan([rule("proj(?=\\.weight)")]), "lookahead (?=…) is not supported"),
    "lookbehind.json": (plan([rule("(?<=mlp\\.)up")]), "lookbehind (?<=…) is not supported"),
    "inline-options.json": (plan([rule("(?i)MLP")]), "inline options"),
    "pattern-too-long.json": (plan([rule("a" * 5000)]), "at most 1000 are allowed"),
    "repetition-blowup.json": (plan([rule("((((x{10}){10}){10}){10}){10}")]), "more than 20000 states"),
    "count-too-large.json": (plan([rule("x{99999999999999999999}")]), "above the largest allowed"),
    "too-many-rules.json": (plan([rule("layers\\.%d\\." % i) for i in range(1001)]), "1001 rules; at most 1000"),
    "unclosed-group.json": (plan([rule("(up|gate")]), "never closed"),
}


def main():
    shutil.rmtree(PLANS, ignore_errors=True)
    os.makedirs(PLANS)
    with open(os.path.join(PLANS, "EXPECTED"), "w") as listing:
        for name, (text, fragment) in sorted(CASES.items()):
            with open(os.path.join(PLANS, name), "w") as f:
                f.write(text)
            listing.write("%s\t%s\n" % (name, fragment))
            with open(os.path.join(SEEDS, "plan-" + name), "w") as f:  # the fuzzer starts from these too
                f.write(text)


if __name__ == "__main__":
    main()
