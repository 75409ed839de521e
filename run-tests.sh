#!/usr/bin/env bash
# The whole test suite, on a fresh machine of the project's kind (Debian + .NET 10 SDK).
# Installs what the tests need, builds once in Release, runs every test project, and ends with one
# summary line "Tests: N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")"

# Services: none to start here. The tests start their own loopback Kestrel servers and redis-server processes
# (Debian's redis-server binary, installed by .ci/run; the Redis tests fail, naming it, where it is missing).

dotnet build NeuralSec.sln -c Release -nologo -v quiet -clp:ErrorsOnly

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
# The load tool's comparison run (five server processes and h2load at full speed, for a few seconds) and the red team's
# quick run against sidecars it starts (a few minutes) go alone after the rest: beside the other projects, which run in
# parallel, they starve timing-sensitive tests of the 2 cores.
heavy=LoadTestComparisonRunTests
redteam=AttackQuickRunTests
# A test that hangs must not hang the run: a test host with one test running for 15 minutes (the longest test takes
# under 4) is stopped, the run goes on, and the test is named; tests/xunit.runner.json names every test still running
# after 2 minutes as it goes.
options=(-c Release --no-build -nologo -v quiet --logger "console;verbosity=minimal" --blame-hang --blame-hang-timeout 15m --blame-hang-dump-type none)
dotnet test NeuralSec.sln "${options[@]}" --filter "FullyQualifiedName!~$heavy&FullyQualifiedName!~$redteam" 2>&1 | tee "$log" || status=$?
dotnet test tests/CommandLine.Tests "${options[@]}" --filter "FullyQualifiedName~$heavy" 2>&1 | tee -a "$log" || status=$?
dotnet test tests/RedTeam.Tests "${options[@]}" --filter "FullyQualifiedName~$redteam" 2>&1 | tee -a "$log" || status=$?

# What went wrong, again at the end (where a CI log's tail shows it): failed tests, tests stopped as hung, slow ones.
grep -E "^ +Failed [A-Za-z]" "$log" | sed -E 's/^ +Failed /failed: /' || true
awk '/running when the crash occurred/ { names = 1; next } names && NF == 0 { names = 0 } names { print "hung (stopped): " $0 }' "$log"
grep -Eo "\[Long Running Test\] '[^']+'" "$log" | sort -u | sed "s/\[Long Running Test\] /ran over 2 minutes: /" || true

# Sum the per-project result lines ("Passed!  - Failed: 0, Passed: 68, Skipped: 0, Total: 68, ...").
count() { grep -Eo "$1: +[0-9]+" "$log" | awk '{ s += $2 } END { print s + 0 }'; }
echo "Tests: $(count Passed) passed, $(count Failed) failed, $(count Skipped) skipped, $(grep -c "Test Run Aborted" "$log" || true) test runs stopped"
exit "$status"
