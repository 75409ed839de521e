using System.Diagnostics;
using System.Runtime.InteropServices;
using NeuralSec.Data;
using NeuralSec.Policy.Validation;
using NeuralSec.RedTeam.Evaluation;
using NeuralSec.RedTeam.Models;
using NeuralSec.RedTeam.Stream;

namespace NeuralSec.RedTeam.Live;

/// <summary>
/// <c>neuralsec-redteam attack</c>: every attack of the catalog through the sidecar's public gRPC API, against each of
/// its sides. Against a sidecar it starts, every attack gets a fresh sidecar process (empty near-duplicate index and
/// client histories, so no attack's result depends on the order) serving mnist, its autoencoder and the training-time
/// fixtures, with the defended policy beside a pass-through baseline, and the alerts are read back. Against a running
/// target the caller's keys are used as they are and the results depend on what the target has seen.
/// </summary>
internal sealed class LiveRedTeam
{
    private const int AccountsPerSide = 700;
    private const int WarmUp = 200;
    private static readonly string[] ServedModels = [FixtureModels.Classifier, FixtureModels.Autoencoder, FixtureModels.Adversarial, FixtureModels.Distilled];

    private readonly LiveSettings _settings;
    private readonly LiveContext _context;
    private readonly List<LiveAttackResult> _results = [];
    private readonly List<SideLatency> _latency = [];
    private IReadOnlyList<RocCurve> _roc = [];

    private LiveRedTeam(LiveSettings settings, LiveContext context)
    {
        _settings = settings;
        _context = context;
    }

    public static async Task<LiveResults> RunAsync(LiveSettings settings, TextWriter log)
    {
        var total = Stopwatch.StartNew();
        var progress = new Progress(log);
        using var clock = new RunClock(settings.MaxDuration);
        var root = RepositoryPaths.Root();
        var data = Load(settings.Data);
        var models = new FixtureModels(settings.Models);
        var repository = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(models.PathOf(FixtureModels.Classifier))))!;
        // A folder of its own: two runs in one process (the tests run commands side by side) must not share one.
        var work = Directory.CreateTempSubdirectory($"neuralsec-attack-{settings.Seed}-").FullName;
        try
        {
            var policies = Path.Combine(work, "policies");
            var defendedFiles = LivePolicies.Write(root, settings.Policies, ServedModels.Where(m => m != FixtureModels.Autoencoder), policies);
            var (policyFile, known, monitor) = Defended(policies, defendedFiles, settings.Model, repository);
            if (known is null && settings.Target is null)
            {
                throw new RedTeamException($"no valid policy for model '{settings.Model}' without clientGroups among {string.Join(", ", defendedFiles)}");
            }

            var context = new LiveContext(settings, data, models, progress, clock) { Defended = known };
            var run = new LiveRedTeam(settings, context);
            var attacks = AttackCatalog.Live(settings.Attacks).Select(AttackCatalog.Create).ToArray();
            var sides = settings.Target is null ? StartedSides(settings.Model) : ExternalSides(settings);
            if (settings.Target is null)
            {
                var binary = settings.Neuralsec ?? await SidecarProcess.BuiltGatewayAsync(root, log).ConfigureAwait(false);
                await run.BenignOnStartedSidecarAsync(sides, binary, repository, policies, work).ConfigureAwait(false);
                if (known is { StatisticsMean: not null } && settings.Model == FixtureModels.Classifier)
                {
                    File.WriteAllText(Path.Combine(policies, ScoringPolicy.File), ScoringPolicy.Yaml(known));
                    await run.RocOnStartedSidecarAsync(binary, repository, policies, work).ConfigureAwait(false);
                }

                foreach (var attack in attacks)
                {
                    await run.OnStartedSidecarAsync(attack, sides, binary, repository, policies, work).ConfigureAwait(false);
                }
            }
            else
            {
                await run.OnTargetAsync(attacks, sides, settings.Target).ConfigureAwait(false);
            }

            Poisoning.PoisoningResults? poisoning = null;
            if (settings.Attacks.Contains(AttackCatalog.Poisoning) && !clock.Expired)
            {
                progress.Begin("poisoning (offline, with the lab): label flipping, feature collision, the BadNets twin");
                poisoning = Poisoning.PoisoningEvaluation.Run(data, models, settings.Quick, settings.Seed, progress);
            }

            progress.End();
            return new LiveResults
            {
                Command = ("dotnet run -c Release --project src/RedTeam -- attack " + settings.Arguments).TrimEnd(),
                Machine = $"{Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, CPU only (embedded ONNX Runtime); sidecar and attacker share the cores",
                Seed = settings.Seed,
                Quick = settings.Quick,
                Target = settings.Target?.ToString() ?? "a sidecar started on 127.0.0.1 for each attack (src/Gateway Release build, embedded ONNX Runtime)",
                Policy = known is null
                    ? $"the target's (no policy for '{settings.Model}' in {(settings.Policies ?? "policies/mnist.yaml")} to read)"
                    : $"{known.Name} ({(settings.Policies is null ? "policies/" : settings.Policies.TrimEnd('/') + "/")}{policyFile})",
                Monitor = monitor || run._results.Any(x => x.WouldRefuse > 0),
                Alerts = settings.Target is null || settings.AlertFile is not null,
                Sides = sides,
                Attacks = attacks.Select(a => new AttackEntry(a.Name, a.Title, a.Kind, a.Atlas, a.Sides.Where(s => sides.Any(x => x.Name == s)).ToArray())).ToArray(),
                Results = run._results,
                Latency = run._latency,
                Roc = run._roc,
                Poisoning = poisoning,
                WallSeconds = total.Elapsed.TotalSeconds,
                Truncated = clock.Expired,
            };
        }
        finally
        {
            WorkFolder.TryDelete(work);
        }
    }

    private static IReadOnlyList<TargetSide> StartedSides(string model) =>
    [
        new(TargetSide.UndefendedName, $"{model} behind a pass-through policy (no defense)", model, false),
        new(TargetSide.DefendedName, $"{model} behind the defended policy", model, true),
        new(TargetSide.AdversarialName, "mnist-adv (PGD adversarial training, ε=0.3) behind the pass-through", FixtureModels.Adversarial, false),
        new(TargetSide.DistilledName, "mnist-distilled (defensive distillation, T=20) behind the pass-through", FixtureModels.Distilled, false),
    ];

    private static IReadOnlyList<TargetSide> ExternalSides(LiveSettings settings) => settings.BaselineApiKey is null
        ? [new(TargetSide.DefendedName, $"{settings.Model} at {settings.Target}", settings.Model, true)]
        :
        [
            new(TargetSide.UndefendedName, $"{settings.Model} at {settings.Target}, with --baseline-api-key", settings.Model, false),
            new(TargetSide.DefendedName, $"{settings.Model} at {settings.Target}", settings.Model, true),
        ];

    private async Task OnStartedSidecarAsync(LiveAttack attack, IReadOnlyList<TargetSide> sides, string binary, string repository, string policies, string work)
    {
        var applicable = sides.Where(s => attack.Sides.Contains(s.Name)).ToArray();
        _context.Progress.Begin($"{attack.Title}: {string.Join(", ", applicable.Select(s => s.Name))}");
        if (_context.Clock.Expired)
        {
            _context.Progress.Step("skipped: --max-duration reached");
            return;
        }

        var accounts = new Accounts(_settings.Seed);
        var pools = applicable.ToDictionary(s => s.Name, s => new Queue<string>(Enumerable.Range(0, AccountsPerSide).Select(i =>
            accounts.Add($"{attack.Name}-{s.Name}-{i}", s.Firewall ? null : TargetSide.BaselineGroup))), StringComparer.Ordinal);
        var keys = Path.Combine(work, $"keys-{attack.Name}.txt");
        var alertFile = Path.Combine(work, $"alerts-{attack.Name}.jsonl");
        accounts.WriteKeysFile(keys);
        var watch = Stopwatch.StartNew();
        var sidecar = await SidecarProcess.StartAsync(binary, repository, ServedModels, policies, keys, alertFile, _context.Clock.Token).ConfigureAwait(false);
        var log = new QueryLog();
        var results = new List<LiveAttackResult>();
        try
        {
            _context.Progress.Step($"sidecar up on {sidecar.Grpc} in {watch.Elapsed.TotalSeconds:F1} s");
            foreach (var side in applicable)
            {
                var pool = pools[side.Name];
                var oracle = new InferenceOracle(sidecar.Client, accounts.KeyOf, side.Model);
                var run = new LiveAttackRun(_context, attack.Name, side, oracle, log, n => Take(pool, n, attack.Name));
                results.AddRange(await attack.RunAsync(run).ConfigureAwait(false));
            }

            var alerts = await AlertLog.ReadAsync(alertFile, TimeSpan.FromSeconds(3), CancellationToken.None).ConfigureAwait(false);
            Collect(results, log, alerts);
        }
        finally
        {
            await sidecar.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task BenignOnStartedSidecarAsync(IReadOnlyList<TargetSide> sides, string binary, string repository, string policies, string work)
    {
        _context.Progress.Begin($"benign traffic: one client per side, {string.Join(", ", sides.Select(s => s.Name))}");
        var accounts = new Accounts(_settings.Seed);
        foreach (var side in sides)
        {
            accounts.Add($"warm-{side.Name}", side.Firewall ? null : TargetSide.BaselineGroup);
            accounts.Add($"benign-{side.Name}", side.Firewall ? null : TargetSide.BaselineGroup);
        }

        var keys = Path.Combine(work, "keys-benign.txt");
        accounts.WriteKeysFile(keys);
        var sidecar = await SidecarProcess.StartAsync(binary, repository, ServedModels, policies, keys, Path.Combine(work, "alerts-benign.jsonl"), _context.Clock.Token).ConfigureAwait(false);
        try
        {
            await BenignAsync(sides, s => (new InferenceOracle(sidecar.Client, accounts.KeyOf, s.Model), $"warm-{s.Name}", $"benign-{s.Name}")).ConfigureAwait(false);
        }
        finally
        {
            await sidecar.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task RocOnStartedSidecarAsync(string binary, string repository, string policies, string work)
    {
        _context.Progress.Begin("ROC per detector, scored by the sidecar (monitor-mode scoring policy)");
        var accounts = new Accounts(_settings.Seed);
        var pool = new Queue<string>(Enumerable.Range(0, 1_200).Select(i => accounts.Add($"scoring-{i}", ScoringPolicy.Group)));
        var keys = Path.Combine(work, "keys-roc.txt");
        var alertFile = Path.Combine(work, "alerts-roc.jsonl");
        accounts.WriteKeysFile(keys);
        var sidecar = await SidecarProcess.StartAsync(binary, repository, ServedModels, policies, keys, alertFile, _context.Clock.Token).ConfigureAwait(false);
        try
        {
            _roc = await RocPhase.RunAsync(_context, n => Take(pool, n, "roc"), new InferenceOracle(sidecar.Client, accounts.KeyOf, FixtureModels.Classifier),
                () => AlertLog.ReadAsync(alertFile, TimeSpan.FromSeconds(5), CancellationToken.None)).ConfigureAwait(false);
        }
        finally
        {
            await sidecar.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task OnTargetAsync(IReadOnlyList<LiveAttack> attacks, IReadOnlyList<TargetSide> sides, Uri target)
    {
        using var channel = TargetProbe.Open(target, _settings.CaFile);
        var client = new Protocol.Inference.GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var defendedKeys = _settings.ApiKeys.Select((k, i) => ($"key-{i}", k)).ToArray();
        var keyOf = defendedKeys.Concat(_settings.BaselineApiKey is { } b ? [("baseline", b)] : []).ToDictionary(k => k.Item1, k => k.Item2, StringComparer.Ordinal);
        var probe = _context.Data.Test.Image(0).ToArray();
        _context.Progress.Begin($"checking {target}");
        await TargetProbe.CheckAsync(client, target, _settings.Model,
            [.. defendedKeys.Select(k => ("--api-key", k.Item2)), .. _settings.BaselineApiKey is { } bk ? new[] { ("--baseline-api-key", bk) } : []], probe, _context.Clock.Token).ConfigureAwait(false);
        _context.Progress.Step($"{target} is ready, serves '{_settings.Model}' as [N,1,28,28] → [N,10], and accepts the keys");
        _context.Progress.Begin($"benign traffic: one client per side, {string.Join(", ", sides.Select(s => s.Name))}");
        await BenignAsync(sides, s => (new InferenceOracle(client, a => keyOf[a], s.Model), s.Firewall ? defendedKeys[0].Item1 : "baseline", s.Firewall ? defendedKeys[0].Item1 : "baseline")).ConfigureAwait(false);
        var next = 0;
        foreach (var attack in attacks)
        {
            var applicable = sides.Where(s => attack.Sides.Contains(s.Name)).ToArray();
            _context.Progress.Begin($"{attack.Title}: {string.Join(", ", applicable.Select(s => s.Name))}");
            var log = new QueryLog();
            var results = new List<LiveAttackResult>();
            foreach (var side in applicable)
            {
                var oracle = new InferenceOracle(client, a => keyOf[a], side.Model);
                IReadOnlyList<string> Accounts(int n) => side.Firewall
                    ? Enumerable.Range(0, n).Select(_ => defendedKeys.Length == 0 ? throw new RedTeamException("no --api-key for the defended side") : defendedKeys[next++ % defendedKeys.Length].Item1).ToArray()
                    : Enumerable.Repeat("baseline", n).ToArray();
                results.AddRange(await attack.RunAsync(new LiveAttackRun(_context, attack.Name, side, oracle, log, Accounts)).ConfigureAwait(false));
            }

            var alerts = _settings.AlertFile is { } file ? await AlertLog.ReadAsync(file, TimeSpan.FromSeconds(3), CancellationToken.None).ConfigureAwait(false) : null;
            Collect(results, log, alerts);
        }
    }

    /// <summary>Adds the alert-derived fields (first flag, what flagged it, refusals by reason, what monitor mode
    /// would have refused).</summary>
    private void Collect(List<LiveAttackResult> results, QueryLog log, AlertLog? alerts)
    {
        foreach (var result in results)
        {
            var refusedBy = new SortedDictionary<string, int>(StringComparer.Ordinal);
            var firstFlags = new List<double>();
            var flaggedBy = new SortedSet<string>(StringComparer.Ordinal);
            var would = 0;
            var flaggedQueries = 0;
            foreach (var run in result.Runs)
            {
                var outcomes = log.Of(run);
                int? first = null;
                for (var i = 0; i < outcomes.Count; i++)
                {
                    var o = outcomes[i];
                    var flagged = alerts?.Flagged(o.RequestId) ?? [];
                    if (!o.Answered)
                    {
                        refusedBy[o.Reason ?? "unknown"] = refusedBy.GetValueOrDefault(o.Reason ?? "unknown") + 1;
                    }
                    else if (alerts?.WouldRefuse(o.RequestId) == true)
                    {
                        would++;
                    }

                    if (flagged.Count == 0 && o.Answered)
                    {
                        continue;
                    }

                    flaggedQueries++;
                    if (first is null)
                    {
                        first = i + 1;
                        flaggedBy.UnionWith(flagged.Count > 0 ? flagged : [$"refused: {o.Reason}"]);
                    }
                }

                if (first is { } f)
                {
                    firstFlags.Add(f);
                }
            }

            _results.Add(result with
            {
                RefusedBy = refusedBy,
                FlaggedRuns = alerts is null && refusedBy.Count == 0 ? null : firstFlags.Count,
                FlaggedQueries = alerts is null && refusedBy.Count == 0 ? null : flaggedQueries,
                FirstFlagAt = firstFlags.Count == 0 ? null : QueryAttack.Median(firstFlags),
                FlaggedBy = flaggedBy.Count == 0 ? null : string.Join(", ", flaggedBy),
                WouldRefuse = alerts is null ? null : would,
            });
        }
    }

    /// <summary>
    /// One benign client per side sends the same held-out digits, the sides interleaved query by query so that they
    /// share the machine's conditions, after <see cref="WarmUp"/> unmeasured queries each: the round trip a benign
    /// request sees, and what each side refuses of a benign stream.
    /// </summary>
    private async Task BenignAsync(IReadOnlyList<TargetSide> sides, Func<TargetSide, (InferenceOracle Oracle, string Warm, string Client)> clientOf)
    {
        var count = _settings.Quick ? 100 : 500;
        var digits = _context.Data.Test.Slice(LiveContext.FirstDigit, count);
        var clients = sides.Select(clientOf).ToArray();
        for (var s = 0; s < sides.Count; s++)
        {
            for (var i = 0; i < WarmUp; i++)
            {
                await clients[s].Oracle.QueryAsync(clients[s].Warm, _context.Data.Test.Image(i).ToArray(), _context.Clock.Token).ConfigureAwait(false);
            }
        }

        var times = sides.Select(_ => new List<double>()).ToArray();
        var (refused, right) = (new int[sides.Count], new int[sides.Count]);
        for (var i = 0; i < count && !_context.Clock.Expired; i++)
        {
            for (var s = 0; s < sides.Count; s++)
            {
                var outcome = await clients[s].Oracle.QueryAsync(clients[s].Client, digits.Image(i).ToArray(), _context.Clock.Token).ConfigureAwait(false);
                times[s].Add(outcome.Milliseconds);
                refused[s] += outcome.Answered ? 0 : 1;
                right[s] += outcome.Answered && outcome.Label == digits.Labels[i] ? 1 : 0;
            }
        }

        for (var s = 0; s < sides.Count; s++)
        {
            var sorted = times[s].Order().ToArray();
            if (sorted.Length == 0)
            {
                continue;
            }

            double At(double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
            _latency.Add(new SideLatency(sides[s].Name, sorted.Length, At(0.5), At(0.9), At(0.99), refused[s], (double)right[s] / sorted.Length));
            _context.Progress.Step($"benign client → {sides[s].Name}: p50 {At(0.5):0.00} ms, p99 {At(0.99):0.00} ms, {refused[s]} of {sorted.Length} refused, {(double)right[s] / sorted.Length:P1} answered right");
        }
    }

    private static string[] Take(Queue<string> pool, int count, string attack)
    {
        if (pool.Count < count)
        {
            throw new InvalidOperationException($"attack {attack} used more than {AccountsPerSide} accounts of one side");
        }

        return Enumerable.Range(0, count).Select(_ => pool.Dequeue()).ToArray();
    }

    /// <summary>The defended policy for <paramref name="model"/> among the files (the one naming it without client
    /// groups), read as the attacker reads it; nulls when there is none (a running target's policy may not be here).</summary>
    private static (string? File, KnownPolicy? Known, bool Monitor) Defended(string folder, IReadOnlyList<string> files, string model, string repository)
    {
        var validator = new PolicyValidator(modelRepository: repository);
        foreach (var file in files)
        {
            var path = Path.Combine(folder, file);
            if (validator.ValidateFile(PolicySource.FromFile(path)).Policy is { } policy && policy.Models.Contains(model) && policy.ClientGroups.Count == 0)
            {
                return (file, KnownPolicy.Read(path, repository), policy.Mode == NeuralSec.Policy.Model.PolicyMode.Monitor);
            }
        }

        return (null, null, false);
    }

    private static MnistDataset Load(string? path)
    {
        try
        {
            return MnistDataset.Load(path);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException)
        {
            throw new RedTeamException(e.Message, e);
        }
    }
}
