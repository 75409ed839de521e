#!/usr/bin/env python3
# Usage: python3 deploy/validate/replay-dockerfile.py . Dockerfile   (or . Dockerfile.gpu -p:NeuralSecGpu=true)
# Needs the .NET SDK and the NuGet packages the sidecar restores; no Docker engine.
"""Replays a Dockerfile's build stage without Docker: the COPYs before the restore, the restore, the context trimmed
by .dockerignore (git-tracked files), the publish with --no-restore."""
import fnmatch, os, shutil, subprocess, sys, tempfile
repo, dockerfile, extra = sys.argv[1], sys.argv[2], sys.argv[3:]
lines = open(os.path.join(repo, dockerfile)).read().splitlines()
restore = next(i for i, l in enumerate(lines) if 'dotnet restore' in l)
w = tempfile.mkdtemp()
for l in lines[:restore]:
    words = l.split()
    if not words or words[0] != 'COPY' or words[1].startswith('--'):
        continue
    dest = os.path.join(w, words[-1])
    for src in words[1:-1]:
        s = os.path.join(repo, src)
        if os.path.isdir(s):
            shutil.copytree(s, os.path.join(dest), dirs_exist_ok=True)
        else:
            os.makedirs(dest, exist_ok=True); shutil.copy(s, dest)
print('restore layer:', sorted(os.path.relpath(os.path.join(d, f), w) for d, _, fs in os.walk(w) for f in fs))
def run(*args):
    print('$', ' '.join(args), flush=True)
    subprocess.run(args, cwd=w, check=True)
run('dotnet', 'restore', 'src/Gateway/NeuralSec.Gateway.csproj', '-r', 'linux-x64', '-nologo', '-v', 'quiet', *extra)
patterns = [p.strip().rstrip('/') for p in open(os.path.join(repo, '.dockerignore')) if p.strip() and not p.startswith('#')]
def ignored(path):
    parts = path.split('/')
    for p in patterns:
        if p.startswith('**/'):
            if any(fnmatch.fnmatch(x, p[3:]) for x in parts): return True
        else:
            n = p.count('/') + 1
            for k in range(n, len(parts) + 1):
                if fnmatch.fnmatch('/'.join(parts[:k]), p) and k == n: return True
    return False
files = subprocess.run(['git', 'ls-files'], cwd=repo, capture_output=True, text=True, check=True).stdout.split('\n')
kept = 0
for f in filter(None, files):
    if ignored(f) or not os.path.exists(os.path.join(repo, f)): continue
    os.makedirs(os.path.dirname(os.path.join(w, f)) or w, exist_ok=True); shutil.copy(os.path.join(repo, f), os.path.join(w, f)); kept += 1
print('context files:', kept)
run('dotnet', 'publish', 'src/Gateway/NeuralSec.Gateway.csproj', '-c', 'Release', '-r', 'linux-x64', '--self-contained', 'false', '--no-restore', '-o', os.path.join(w, 'app'), '-nologo', '-v', 'quiet', *extra)
assert os.access(os.path.join(w, 'app', 'neuralsec'), os.X_OK) and os.path.isdir(os.path.join(w, 'app', 'models'))
print('PUBLISHED OK', w)
