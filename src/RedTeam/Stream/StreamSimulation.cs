using System.Diagnostics;
using NeuralSec.Data;
using NeuralSec.RedTeam.Evaluation;
using NeuralSec.RedTeam.Models;

namespace NeuralSec.RedTeam.Stream;

/// <summary>
/// The stream simulation: benign clients and stream attackers against the real sidecar over gRPC, each phase on a
/// freshly started sidecar (empty near-duplicate index and client histories), so no attacker's result depends on the
/// order they run in. Phases: the benign population; per output policy (full logits, hardened) a benign accuracy
/// client plus Knockoff-random, random noise; JBDA; SimBA; Boundary; HopSkipJump; the OARS-style adaptive SimBA over k accounts, without and with
/// resampling, and the learning, verifying variants; the OARS-style adaptive HopSkipJump; then, when asked, the queryCoverage
/// budget sweep (high-volume benign apps and a longer Knockoff per budget).
/// </summary>
internal sealed class StreamSimulation
{
    private const int ParallelBenignClients = 4;

    private readonly StreamSettings _settings;
    private readonly Progress _progress;
    private readonly RunClock _clock;
    private readonly MnistDataset _data;
    private readonly string _binary;
    private readonly string _repository;
    private readonly IReadOnlyDictionary<string, string> _policies;
    private readonly string _work;
    private readonly MnistSplit _agreementDigits;
    private readonly byte[] _servedLabels;
    private readonly Lab.Nn.Network _served;
    private readonly List<PhaseTime> _phases = [];

    private StreamSimulation(StreamSettings settings, Progress progress, RunClock clock, MnistDataset data, string binary, string repository, IReadOnlyDictionary<string, string> policies, string work, Lab.Nn.Network served, byte[] servedLabels)
    {
        _settings = settings;
        _progress = progress;
        _clock = clock;
        _data = data;
        _binary = binary;
        _repository = repository;
        _policies = policies;
        _work = work;
        _agreementDigits = data.Test.Slice(1_000, 1_000);
        _served = served;
        _servedLabels = servedLabels;
    }

    public static async Task<StreamResults> RunAsync(StreamSettings settings, TextWriter log)
    {
        var progress = new Progress(log);
        using var clock = new RunClock(settings.MaxDuration);
        var root = RepositoryPaths.Root();
        var data = LoadData(settings.Data);
        var lastDigit = settings.EvasionFirstDigit + (StreamSettings.EvasionDigitStride * (settings.EvasionImages - 1));
        if (lastDigit >= data.Test.Count)
        {
            throw new RedTeamException($"--evasion-digits {settings.EvasionFirstDigit}: the attacked digits run to test digit {lastDigit}, and the test split has {data.Test.Count}");
        }
        var models = new FixtureModels(settings.Models);
        var repository = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(models.PathOf(FixtureModels.Classifier))))!;
        var network = models.Get(FixtureModels.Classifier).Network;
        var served = Classify.Predict(network, data.Test.Slice(1_000, 1_000).Images);
        var binary = settings.Neuralsec ?? await SidecarProcess.BuiltGatewayAsync(root, log).ConfigureAwait(false);
        // A folder of its own: two runs in one process (the tests run commands side by side) must not share one.
        var work = Directory.CreateTempSubdirectory($"neuralsec-stream-{settings.Seed}-").FullName;
        try
        {
            var policies = settings.Policies is { } dir
                ? new Dictionary<string, string> { [SimulationPolicies.Hardened] = Path.GetFullPath(dir) }
                : SimulationPolicies.Write(root, Path.Combine(work, "policies"), settings.CoverageBudgets);
            var simulation = new StreamSimulation(settings, progress, clock, data, binary, repository, policies, work, network, served);
            return await simulation.RunPhasesAsync().ConfigureAwait(false);
        }
        finally
        {
            WorkFolder.TryDelete(work);
        }
    }

    private async Task<StreamResults> RunPhasesAsync()
    {
        var total = Stopwatch.StartNew();
        var benign = await BenignAsync().ConfigureAwait(false);
        var accuracy = new List<AccuracyResult>();
        var attackers = new List<AttackerResult>();
        // --quick keeps the hardened variant only (the test's time bound); the full run compares all four.
        string[] order = [SimulationPolicies.Full, SimulationPolicies.Hardened, SimulationPolicies.StreamOnly, SimulationPolicies.Misinformed];
        var variants = _policies.Count == 1 ? [.. _policies.Keys] : _settings.Quick ? [SimulationPolicies.Hardened] : order.Where(_policies.ContainsKey).ToArray();
        foreach (var output in variants)
        {
            var (acc, results) = await ExtractionAsync(output).ConfigureAwait(false);
            accuracy.Add(acc);
            attackers.AddRange(results);
        }

        foreach (var output in variants.Where(v => v != SimulationPolicies.Full))
        {
            attackers.Add(await JbdaAsync(output).ConfigureAwait(false));
        }

        attackers.Add(await EvasionAsync("SimBA (pixel, ε 0.2)", "simba", 1, _settings.EvasionBudget, null).ConfigureAwait(false));
        attackers.Add(await EvasionAsync("Boundary (labels only)", "boundary", 1, _settings.EvasionBudget, null).ConfigureAwait(false));
        attackers.Add(await EvasionAsync("HopSkipJump (labels only)", "hopskipjump", 1, _settings.EvasionBudget, null).ConfigureAwait(false));
        foreach (var k in _settings.AdaptiveAccounts)
        {
            attackers.Add(await EvasionAsync($"Adaptive SimBA (OARS-style transforms, {k} accounts)", $"adaptive{k}", k, 2 * _settings.EvasionBudget, new QueryTransform()).ConfigureAwait(false));
        }

        foreach (var k in _settings.AdaptiveAccounts)
        {
            attackers.Add(await EvasionAsync($"Adaptive SimBA with resampling (OARS-style, {ResamplingSimbaAttack.Samples} transforms per candidate, {k} accounts)", $"resampling{k}", k, _settings.ResamplingBudget, new QueryTransform()).ConfigureAwait(false));
        }

        // The attacker who knows the index fingerprints a centred view: rotations and rescaling, which centring does not undo.
        var most = _settings.AdaptiveAccounts.Max();
        attackers.Add(await EvasionAsync($"Adaptive SimBA with resampling, view-aware (±10° rotation, ±10 % scale too, {most} accounts)", $"resampling-aware{most}", most, _settings.ResamplingBudget, QueryTransform.ViewAware).ConfigureAwait(false));

        // The attacker who knows the view is also turned upright and scaled (view: upright): a shear, which it does not undo.
        attackers.Add(await EvasionAsync($"Adaptive SimBA with resampling, upright-aware (±0.2 shear too, {most} accounts)", $"resampling-shear{most}", most, _settings.ResamplingBudget, QueryTransform.UprightAware).ConfigureAwait(false));

        // The attacker who does not know the view and learns how strong a disguise must be from the refusals (OARS).
        attackers.Add(await EvasionAsync($"Adaptive SimBA with resampling, oracle-guided (the upright-aware disguise from ×0.5, ×{OracleGuidedDisguise.Growth} per refusal as suspicious, {most} accounts)", $"resampling-oracle{most}", most, _settings.ResamplingBudget, null, OracleGuidedDisguise.Learning).ConfigureAwait(false));

        // The same attacker who also knows linkedClients: it tells a label-only degraded answer and drops that account.
        attackers.Add(await EvasionAsync($"Adaptive SimBA with resampling, oracle-guided, degrade-aware (drops an account whose answers turn label-only, {most} accounts)", $"resampling-oracle-aware{most}", most, _settings.ResamplingBudget, null, OracleGuidedDisguise.Learning, dropDegraded: true).ConfigureAwait(false));

        // The attacker who knows degraded answers may be disguised and lie: it checks every success on another account.
        attackers.Add(await EvasionAsync($"Adaptive SimBA with resampling, oracle-guided, verifying (degrade-aware, and re-sends a claimed success from another account, {most} accounts)", $"resampling-oracle-verify{most}", most, _settings.ResamplingBudget, null, OracleGuidedDisguise.Learning, dropDegraded: true, check: new ClaimCheck()).ConfigureAwait(false));

        // The same attacker holding accounts back to verify with: they only re-send, byte for byte, what the others sent.
        attackers.Add(await EvasionAsync($"Adaptive SimBA with resampling, oracle-guided, verifying with held-back accounts (2 of the {most} only re-send claimed successes, byte for byte)", $"resampling-oracle-holdback{most}", most, _settings.ResamplingBudget, null, OracleGuidedDisguise.Learning, dropDegraded: true, check: new ClaimCheck(HeldBack: 2)).ConfigureAwait(false));

        // The same, checking with a slightly moved copy: not an exact repeat, so the stream detectors see the check.
        attackers.Add(await EvasionAsync($"Adaptive SimBA with resampling, oracle-guided, verifying with held-back accounts and moved copies (2 of the {most} only re-send claimed successes with {ClaimCheck.PerturbedPixels} pixels moved by 1/255)", $"resampling-oracle-moved{most}", most, _settings.ResamplingBudget, null, OracleGuidedDisguise.Learning, dropDegraded: true, check: new ClaimCheck(HeldBack: 2, Perturbed: true)).ConfigureAwait(false));

        // The decision-based attack made adaptive the same way (OARS's HopSkipJump): disguised probes at a radius that
        // grows while it finds no signal, the strongest checker of claimed successes; and with five times the accounts.
        foreach (var k in new[] { most, 5 * most })
        {
            attackers.Add(await EvasionAsync($"Adaptive HopSkipJump (labels only), oracle-guided, verifying with held-back accounts and moved copies (every query disguised, probe radius {DisguisedHopSkipJumpAttack.Radius}‖x − x₀‖/√d doubled while an estimate has no signal, {k} accounts)", $"hsj-oracle-moved{k}", k, _settings.ResamplingBudget, null, OracleGuidedDisguise.Learning, dropDegraded: true, check: new ClaimCheck(HeldBack: 2, Perturbed: true)).ConfigureAwait(false));
        }

        var sweep = new List<CoverageSweepResult>();
        foreach (var budget in _settings.CoverageBudgets)
        {
            sweep.Add(await CoverageAsync(budget).ConfigureAwait(false));
        }

        _progress.End();
        return new StreamResults
        {
            Command = ("dotnet run -c Release --project src/RedTeam -- stream " + _settings.Arguments).TrimEnd(),
            Seed = _settings.Seed,
            Quick = _settings.Quick,
            Machine = $"{Environment.ProcessorCount} logical cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, CPU only; sidecar and clients share the cores",
            PolicyNote = _settings.Policies is null
                ? $"policies/mnist.yaml with its own spec.extraction ({SimulationPolicies.DescribeExtraction(_policies[SimulationPolicies.Hardened])}); rate limit raised to 1,000/s; variants: hardened (shipped output: topK 1, 2 decimals, shipped input detectors), full (no output block), stream-only (hardened without the input detectors and flaggedInputs) and misinformed (hardened, queryCoverage's budget cut to 0.5 so every client is degraded — misinformed below 0.9 — from its first query)"
                : $"--policies {_settings.Policies} (one variant; spec.extraction: {SimulationPolicies.DescribeExtraction(_policies[SimulationPolicies.Hardened])})",
            WallSeconds = total.Elapsed.TotalSeconds,
            Truncated = _clock.Expired,
            Benign = benign.Clients,
            BenignAccuracy = [benign.Accuracy, .. accuracy],
            Attackers = attackers,
            CoverageSweep = sweep,
            Phases = _phases,
        };
    }

    private async Task<(IReadOnlyList<BenignClientResult> Clients, AccuracyResult Accuracy)> BenignAsync()
    {
        var plan = BenignTraffic.Plan(_data.Test, _settings.Seed, _settings.Quick);
        var accounts = new Accounts(_settings.Seed);
        foreach (var c in plan)
        {
            accounts.Add(c.Name);
        }

        var (log, alerts) = await PhaseAsync($"benign: {plan.Count} clients, {plan.Sum(c => c.Digits.Length):N0} queries", SimulationPolicies.Hardened, accounts,
            (oracle, log) => BenignTraffic.RunAsync(plan, _data.Test, oracle, log, _clock, ParallelBenignClients, _settings.Seed)).ConfigureAwait(false);
        var results = new List<BenignClientResult>();
        var (answered, correct, digits) = (0, 0, 0);
        foreach (var client in plan)
        {
            var outcomes = log.Of(client.Name);
            var run = StreamAnalysis.Analyze(client.Name, outcomes, alerts);
            results.Add(new BenignClientResult(client.Name, client.Profile, outcomes.Count, run.Answered, client.Digits.Distinct().Count(), run.FirstFlagAt is not null, run.Detector, run.FirstFlagAt, run.Refusals));
            if (client.Profile == BenignTraffic.Recapture)
            {
                continue;
            }

            for (var i = 0; i < outcomes.Count; i++)
            {
                digits++;
                if (outcomes[i].Answered)
                {
                    answered++;
                    correct += outcomes[i].Label == _data.Test.Labels[client.Digits[i]] ? 1 : 0;
                }
            }
        }

        var flagged = results.Count(r => r.StreamFlagged && r.Profile != BenignTraffic.Recapture);
        _progress.Step($"benign clients flagged by a stream detector: {flagged} of {results.Count(r => r.Profile != BenignTraffic.Recapture)}; re-capture clients flagged: {results.Count(r => r.StreamFlagged && r.Profile == BenignTraffic.Recapture)}");
        return (results, new AccuracyResult(SimulationPolicies.Hardened + " (benign population)", digits, answered, answered == 0 ? double.NaN : (double)correct / answered));
    }

    /// <summary>One point of the queryCoverage trade-off: on a sidecar whose budget is <paramref name="budget"/>, the
    /// high-volume benign apps of <see cref="StreamSettings.SweepApps"/>, then Knockoff-random — every one of them
    /// sending natural TRAIN-split digits that no other client sends. (The benign population's clients draw from one
    /// pool of 2,000 test digits, so many of a busy client's queries were already sent by another client, and the
    /// account-oblivious index gives them no novelty: a sweep on that population would spare busy apps that a real
    /// deployment, whose clients do not send each other's inputs, would not.)</summary>
    private async Task<CoverageSweepResult> CoverageAsync(int budget)
    {
        var apps = _settings.SweepApps;
        var accounts = new Accounts(_settings.Seed);
        var random = new Random(_settings.Seed);
        var pool = Enumerable.Range(0, _data.Train.Count).OrderBy(_ => random.Next()).ToArray();
        var picks = pool.Take(_settings.SweepKnockoffQueries).ToArray();
        var next = picks.Length;
        var plan = apps.Select((n, i) =>
        {
            var digits = pool.AsSpan(next, n).ToArray();
            next += n;
            return (Name: accounts.Add($"benign-app-{i}"), Digits: digits);
        }).ToArray();
        accounts.Add("knockoff");
        AttackSession knockoff = null!;
        List<(float[] Image, float[] Scores)> answers = [];
        var watch = Stopwatch.StartNew();
        var (log, alerts) = await PhaseAsync($"queryCoverage budget {budget:N0}: benign apps of {string.Join(", ", apps.Select(n => n.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)))} fresh digits, then Knockoff-random ({picks.Length:N0})", SimulationPolicies.CoverageVariant(budget), accounts, async (oracle, log) =>
        {
            foreach (var (name, digits) in plan)
            {
                var app = new AttackSession(oracle, log, _clock, name, [name], digits.Length);
                await TransferSetAttack.RunAsync(app, digits.Select(i => _data.Train.Image(i).ToArray())).ConfigureAwait(false);
            }

            knockoff = new AttackSession(oracle, log, _clock, "knockoff", ["knockoff"], picks.Length);
            answers = await TransferSetAttack.RunAsync(knockoff, picks.Select(i => _data.Train.Image(i).ToArray())).ConfigureAwait(false);
        }).ConfigureAwait(false);

        var results = plan.Select(app =>
        {
            var outcomes = log.Of(app.Name);
            var run = StreamAnalysis.Analyze(app.Name, outcomes, alerts);
            var correct = outcomes.Select((o, i) => o.Answered && o.Label == _data.Train.Labels[app.Digits[i]]).Count(c => c);
            var answered = outcomes.Count(o => o.Answered);
            return new SweepAppResult(app.Name, outcomes.Count, run.FirstFlagAt, run.Detector, answered == 0 ? double.NaN : (double)correct / answered);
        }).ToArray();
        var attack = StreamAnalysis.Analyze("knockoff", log.Of("knockoff"), alerts, knockoff);
        var agreement = answers.Count == 0 ? double.NaN : Surrogate.Agreement(Surrogate.Train(answers, softTargets: false, _settings.Seed), _agreementDigits, _servedLabels);
        // What a block at the first flag would have left the attacker: the answers it got before.
        var before = attack.FirstFlagAt is { } at ? answers.Take(at - 1).ToList() : null;
        var agreementBefore = before is { Count: > 0 } ? Surrogate.Agreement(Surrogate.Train(before, softTargets: false, _settings.Seed), _agreementDigits, _servedLabels) : (double?)null;
        _progress.Step($"budget {budget:N0}: apps first flagged at {string.Join(", ", results.Select(r => Show(r.FirstFlagAt)))}; Knockoff first flag {Show(attack.FirstFlagAt)} ({attack.Detector ?? "none"}), surrogate agreement {agreement:P1}{(agreementBefore is { } b ? $", {b:P1} from the answers before the flag" : string.Empty)}");
        return new CoverageSweepResult(budget, results, attack, agreement, answers.Count, agreementBefore, before?.Count, watch.Elapsed.TotalSeconds);
    }

    private async Task<(AccuracyResult Accuracy, IReadOnlyList<AttackerResult> Attackers)> ExtractionAsync(string output)
    {
        var accounts = new Accounts(_settings.Seed);
        accounts.Add("accuracy");
        accounts.Add("knockoff");
        accounts.Add("noise");
        var random = new Random(_settings.Seed);
        var picks = Enumerable.Range(0, _data.Train.Count).OrderBy(_ => random.Next()).Take(_settings.TransferQueries).ToArray();
        var accuracyDigits = _data.Test.Slice(1_000, _settings.Quick ? 200 : 1_000);
        var soft = output == SimulationPolicies.Full;
        List<(float[] Image, float[] Scores)> knockoff = [], noise = [];
        var sessions = new Dictionary<string, AttackSession>(StringComparer.Ordinal);
        var (log, alerts) = await PhaseAsync($"extraction, {output} output: accuracy client, Knockoff-random ({picks.Length} train digits), random noise", output, accounts, async (oracle, log) =>
        {
            var acc = sessions["accuracy"] = new AttackSession(oracle, log, _clock, "accuracy", ["accuracy"], accuracyDigits.Count);
            await TransferSetAttack.RunAsync(acc, Enumerable.Range(0, accuracyDigits.Count).Select(i => accuracyDigits.Image(i).ToArray())).ConfigureAwait(false);
            var k = sessions["knockoff"] = new AttackSession(oracle, log, _clock, "knockoff", ["knockoff"], picks.Length);
            knockoff = await TransferSetAttack.RunAsync(k, picks.Select(i => _data.Train.Image(i).ToArray())).ConfigureAwait(false);
            var n = sessions["noise"] = new AttackSession(oracle, log, _clock, "noise", ["noise"], _settings.TransferQueries);
            noise = await TransferSetAttack.RunAsync(n, TransferSetAttack.Noise(new Random(_settings.Seed + 1), _settings.TransferQueries)).ConfigureAwait(false);
        }).ConfigureAwait(false);

        var accOutcomes = log.Of("accuracy");
        var answered = accOutcomes.Where(o => o.Answered).ToArray();
        var correct = accOutcomes.Select((o, i) => o.Answered && o.Label == accuracyDigits.Labels[i]).Count(c => c);
        var accuracy = new AccuracyResult(output, accuracyDigits.Count, answered.Length, answered.Length == 0 ? double.NaN : (double)correct / answered.Length);
        var results = new List<AttackerResult>();
        foreach (var (name, label, answers, notes) in new[]
        {
            ("knockoff", "Knockoff-random (natural train digits)", knockoff, soft ? "surrogate trained on softmax of the returned logits" : "surrogate trained on the returned labels"),
            ("noise", "Random uniform noise", noise, soft ? "surrogate trained on softmax of the returned logits" : "surrogate trained on the returned labels"),
        })
        {
            var watch = Stopwatch.StartNew();
            var surrogate = Surrogate.Train(answers, soft, _settings.Seed);
            var agreement = answers.Count == 0 ? double.NaN : Surrogate.Agreement(surrogate, _agreementDigits, _servedLabels);
            var run = StreamAnalysis.Analyze(name, log.Of(name), alerts, sessions[name]);
            _progress.Step($"{label} ({output}): {run.Queries} queries, {run.Answered} answered, first flag {Show(run.FirstFlagAt)} ({run.Detector ?? "none"}), surrogate agreement {agreement:P1} ({watch.Elapsed.TotalSeconds:F0} s training)");
            results.Add(new AttackerResult
            {
                Attacker = label,
                Kind = "extraction",
                Output = output,
                AccountsPerRun = 1,
                Runs = [run],
                Agreement = agreement,
                TrainingAnswers = answers.Count,
                Seconds = watch.Elapsed.TotalSeconds,
                Notes = notes,
            });
        }

        return (accuracy, results);
    }

    private async Task<AttackerResult> JbdaAsync(string output)
    {
        var accounts = new Accounts(_settings.Seed);
        accounts.Add("jbda");
        AttackSession session = null!;
        Lab.Nn.Network surrogate = null!;
        var answers = 0;
        var budget = _settings.JbdaSeeds << _settings.JbdaRounds;
        var watch = Stopwatch.StartNew();
        var (log, alerts) = await PhaseAsync($"JBDA, {output} output: {_settings.JbdaSeeds} seed test digits, {_settings.JbdaRounds} rounds, λ 0.1 (≤ {budget:N0} queries)", output, accounts, async (oracle, log) =>
        {
            session = new AttackSession(oracle, log, _clock, "jbda", ["jbda"], budget);
            var (net, got) = await JacobianAugmentationAttack.RunAsync(session, _data.Test.Slice(0, _settings.JbdaSeeds), _settings.JbdaRounds, _settings.Seed).ConfigureAwait(false);
            (surrogate, answers) = (net, got.Count);
        }).ConfigureAwait(false);
        var agreement = Surrogate.Agreement(surrogate, _agreementDigits, _servedLabels);
        var run = StreamAnalysis.Analyze("jbda", log.Of("jbda"), alerts, session);
        _progress.Step($"JBDA ({output}): {run.Queries} queries, first flag {Show(run.FirstFlagAt)} ({run.Detector ?? "none"}), surrogate agreement {agreement:P1}");
        return new AttackerResult
        {
            Attacker = "Papernot JBDA (labels)",
            Kind = "extraction",
            Output = output,
            AccountsPerRun = 1,
            Runs = [run],
            Agreement = agreement,
            TrainingAnswers = answers,
            Seconds = watch.Elapsed.TotalSeconds,
            Notes = "labels only, so hardening does not change it; surrogate retrained each round on what was answered",
        };
    }

    private async Task<AttackerResult> EvasionAsync(string label, string name, int accountsPerRun, int budget, QueryTransform? transform, Func<OracleGuidedDisguise>? learning = null, bool dropDegraded = false, ClaimCheck? check = null)
    {
        var output = _policies.ContainsKey(SimulationPolicies.Hardened) ? SimulationPolicies.Hardened : _policies.Keys.First();
        var accounts = new Accounts(_settings.Seed);
        var runs = Enumerable.Range(0, _settings.EvasionImages).Select(i => (
            Name: $"{name}-{i}",
            Accounts: (IReadOnlyList<string>)Enumerable.Range(0, accountsPerRun).Select(a => accounts.Add(accountsPerRun == 1 ? $"{name}-{i}" : $"{name}-{i}-acct{a}")).ToArray(),
            Digit: _settings.EvasionFirstDigit + (StreamSettings.EvasionDigitStride * i))).ToArray();
        var sessions = new Dictionary<string, AttackSession>(StringComparer.Ordinal);
        var l2 = new Dictionary<string, double>(StringComparer.Ordinal);
        var reached = new Dictionary<string, float>(StringComparer.Ordinal);
        var watch = Stopwatch.StartNew();
        var (log, alerts) = await PhaseAsync($"{label}: {runs.Length} images × ≤ {budget:N0} queries", output, accounts, async (oracle, log) =>
        {
            foreach (var run in runs)
            {
                var original = _data.Test.Image(run.Digit).ToArray();
                // SimBA's family claims success on any wrong label: the referee tells the model's from the disguise's and the defense's.
                var refereed = name is not ("boundary" or "hopskipjump");
                var session = sessions[run.Name] = new AttackSession(oracle, log, _clock, run.Name, run.Accounts, budget, refereed ? DisguiseBaseline.Referee(_served, original) : null, dropDegraded, check);
                var random = new Random(_settings.Seed * 31 + run.Digit);
                if (name == "boundary")
                {
                    l2[run.Name] = await BoundaryAttack.RunAsync(session, original, _data.Test.Slice(0, 1_000), random).ConfigureAwait(false);
                }
                else if (name == "hopskipjump")
                {
                    l2[run.Name] = await HopSkipJumpAttack.RunAsync(session, original, _data.Test.Slice(0, 1_000), random).ConfigureAwait(false);
                }
                else if (name.StartsWith("hsj-", StringComparison.Ordinal))
                {
                    var disguise = learning!();
                    l2[run.Name] = await DisguisedHopSkipJumpAttack.RunAsync(session, original, _data.Test.Slice(0, 1_000), random, disguise).ConfigureAwait(false);
                    reached[run.Name] = disguise.Magnitude;
                }
                else if (name.StartsWith("resampling", StringComparison.Ordinal))
                {
                    var disguise = learning?.Invoke() ?? OracleGuidedDisguise.Fixed(transform!);
                    await ResamplingSimbaAttack.RunAsync(session, original, random, disguise).ConfigureAwait(false);
                    reached[run.Name] = disguise.Magnitude;
                }
                else
                {
                    await SimbaAttack.RunAsync(session, original, random, transform).ConfigureAwait(false);
                }
            }
        }).ConfigureAwait(false);
        var results = runs.Select(r => StreamAnalysis.Analyze(r.Name, log.Of(r.Name), alerts, sessions[r.Name], l2.TryGetValue(r.Name, out var d) ? d : null)).ToArray();
        _progress.Step($"{label}: evaded {results.Count(r => r.SucceededAt is not null)} of {results.Length}; first flags at {string.Join(", ", results.Select(r => Show(r.FirstFlagAt)))} ({string.Join(", ", results.Select(r => r.Detector ?? "none").Distinct())})");
        var learned = learning is null ? string.Empty : LearnedNote(learning(), runs.Select(r => r.Name).Where(reached.ContainsKey).Select(r => reached[r]).ToArray(), runs.Select(r => _data.Test.Image(r.Digit).ToArray()).ToArray());
        return new AttackerResult
        {
            Attacker = label,
            Kind = "evasion",
            Output = output,
            AccountsPerRun = accountsPerRun,
            Runs = results,
            Seconds = watch.Elapsed.TotalSeconds,
            Notes = name switch
            {
                "boundary" => $"labels only; success = a wrong label answered within L2 {BoundaryAttack.SuccessL2} of the original",
                "hopskipjump" => $"labels only; {HopSkipJumpAttack.InitialProbes}·√t boundary probes per iteration t; success = a wrong label answered within L2 {BoundaryAttack.SuccessL2} of the original",
                "simba" => "margin from the hardened answer (rounded top score vs the top-K floor); success = a wrong label answered",
                _ when name.StartsWith("hsj-", StringComparison.Ordinal) => $"labels only; every query a random transform ({learned}); {HopSkipJumpAttack.InitialProbes}·√t boundary probes per iteration t at radius {DisguisedHopSkipJumpAttack.Radius}‖x − x₀‖/√d (d = 784), doubled after an estimate with every answered probe on one side up to {DisguisedHopSkipJumpAttack.MaxRadius:0.##}·‖x − x₀‖ and halved back after one with both; each step and bisection point decided by the majority of {DisguisedHopSkipJumpAttack.Votes} disguised answers; accounts round-robin, a flagged account dropped (and one whose answer is label-only){(check is null ? string.Empty : "; " + check.Describe(accountsPerRun))}; success = a wrong label answered to a query whose point is within L2 {BoundaryAttack.SuccessL2} of the original and whose sent image is within it of the same transform of the original, that transform of the clean digit keeping the served label",
                _ when name.StartsWith("resampling", StringComparison.Ordinal) => $"every query a random transform ({(learning is null ? transform!.Describe() : learned)}); each candidate scored by the mean margin of {ResamplingSimbaAttack.Samples} transformed queries (expectation over transformation), ε {ResamplingSimbaAttack.Epsilon} growing ×1.5 after {ResamplingSimbaAttack.Patience} rejected pixels in a row up to {ResamplingSimbaAttack.MaxEpsilon}, the pixel order walked again while the budget lasts; accounts round-robin, a flagged account dropped{(dropDegraded ? " (and an account whose answer is label-only: a degraded answer is taken as a refusal as suspicious and grows the disguise)" : string.Empty)}{(check is null ? string.Empty : "; " + check.Describe(accountsPerRun))}; success = a wrong label answered to any query whose transform, applied to the clean digit, keeps the served label (a wrong answer the transform alone explains is counted apart)",
                _ => $"every query a random transform ({transform!.Describe()}); accounts round-robin, a flagged account dropped; success = a wrong label answered to a query whose transform, applied to the clean digit, keeps the served label",
            },
        };
    }

    /// <summary>The oracle-guided disguise's note: its family, the magnitude each run ended at, and what the transform
    /// alone does to the served model's answers at each magnitude of the ladder (<see cref="DisguiseBaseline"/>).</summary>
    private string LearnedNote(OracleGuidedDisguise disguise, IReadOnlyList<float> reached, IReadOnlyList<float[]> digits)
    {
        var c = System.Globalization.CultureInfo.InvariantCulture;
        var rates = DisguiseBaseline.FlipRates(_served, digits, QueryTransform.UprightAware, disguise.Ladder, draws: 200, _settings.Seed);
        return string.Create(c, $"the upright-aware family — {QueryTransform.UprightAware.Describe()} — scaled from ×{disguise.Start} and grown ×{OracleGuidedDisguise.Growth} at every refusal as suspicious activity up to ×{disguise.Max}; magnitude at each run's end: {string.Join(", ", reached.Select(m => m.ToString("0.##", c)))}; the transform alone changes the served answer (bit-depth-1 view, local copy of the model) of {string.Join(", ", rates.Select(r => string.Create(c, $"{r.Flipped:0.#%} at ×{r.Magnitude:0.##}")))} of 200 draws of each attacked digit");
    }

    /// <summary>Starts a fresh sidecar with <paramref name="accounts"/>' keys, runs <paramref name="body"/>, reads the alerts back.</summary>
    private async Task<(QueryLog Log, AlertLog Alerts)> PhaseAsync(string title, string output, Accounts accounts, Func<InferenceOracle, QueryLog, Task> body)
    {
        _progress.Begin(title);
        var watch = Stopwatch.StartNew();
        var log = new QueryLog();
        var phase = _phases.Count;
        var keys = Path.Combine(_work, $"keys-{phase}.txt");
        var alertFile = Path.Combine(_work, $"alerts-{phase}.jsonl");
        accounts.WriteKeysFile(keys);
        if (_clock.Expired)
        {
            _progress.Step("skipped: --max-duration reached");
            _phases.Add(new PhaseTime(title, 0));
            return (log, await AlertLog.ReadAsync(alertFile, TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false));
        }

        var sidecar = await SidecarProcess.StartAsync(_binary, _repository, _policies[output], keys, alertFile, _clock.Token).ConfigureAwait(false);
        AlertLog alerts;
        try
        {
            _progress.Step($"sidecar up on {sidecar.Grpc} ({output} output) in {watch.Elapsed.TotalSeconds:F1} s");
            var oracle = new InferenceOracle(sidecar.Client, accounts);
            await body(oracle, log).ConfigureAwait(false);
            alerts = await AlertLog.ReadAsync(alertFile, TimeSpan.FromSeconds(3), CancellationToken.None).ConfigureAwait(false);
            _progress.Step($"{oracle.Calls:N0} queries, {alerts.Count:N0} alerts");
        }
        finally
        {
            await sidecar.DisposeAsync().ConfigureAwait(false);
        }

        _phases.Add(new PhaseTime(title, watch.Elapsed.TotalSeconds));
        return (log, alerts);
    }

    private static MnistDataset LoadData(string? path)
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

    private static string Show(int? at) => at?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "never";
}
