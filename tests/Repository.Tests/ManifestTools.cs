using System.Diagnostics;
using NeuralSec.Data;

namespace NeuralSec.Repository.Tests;

/// <summary>
/// The programs the manifest tests drive: kubectl (its built-in kustomize renders offline), helm (installed by
/// deploy/helm/fetch-helm.sh into a cache folder, or named by <c>NEURALSEC_HELM</c>) and node with deploy/validate's
/// packages (<c>npm ci --prefix deploy/validate</c>). A missing one fails the test, naming how to install it, as
/// the Redis tests do for redis-server: a manifest nobody checked must not pass for a checked one.
/// </summary>
internal static class ManifestTools
{
    private const string HelmVersion = "3.17.3";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public static string Root { get; } = RepositoryPaths.Root();

    public static string Validator => Path.Combine(Root, "deploy", "validate", "validate.mjs");

    /// <summary>The helm binary: <c>NEURALSEC_HELM</c>, else where fetch-helm.sh puts it.</summary>
    public static string Helm()
    {
        if (Environment.GetEnvironmentVariable("NEURALSEC_HELM") is { Length: > 0 } named)
        {
            return named;
        }

        var cache = Environment.GetEnvironmentVariable("NEURALSEC_HELM_CACHE") is { Length: > 0 } c ? c
            : Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } x ? x
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "neuralsec");
        var helm = Path.Combine(cache, $"helm-{HelmVersion}", "helm");
        Assert.True(File.Exists(helm), $"helm {HelmVersion} not found at {helm}: run deploy/helm/fetch-helm.sh (or set NEURALSEC_HELM)");
        return helm;
    }

    /// <summary>Asserts deploy/validate's packages are installed.</summary>
    public static void RequireValidatorPackages() =>
        Assert.True(
            Directory.Exists(Path.Combine(Root, "deploy", "validate", "node_modules", "kubernetes-models")),
            "deploy/validate has no node_modules: run npm ci --prefix deploy/validate");

    /// <summary>Runs a program in the repository root; a program that is not installed fails the test by name.</summary>
    public static ProcessResult Run(string program, IEnumerable<string> arguments, string? stdin = null)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = Root,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"{program} is not installed ({e.Message}); the manifest tests need kubectl, node and helm (deploy/README.md, \"Checking the manifests offline\")");
            throw;
        }

        using (process)
        {
            // Both streams read concurrently, so neither pipe fills and blocks the child.
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (stdin is not null)
            {
                process.StandardInput.Write(stdin);
            }

            process.StandardInput.Close();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"{program} {string.Join(' ', start.ArgumentList)} ran past {Timeout}");
            }

            return new ProcessResult(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
        }
    }

    /// <summary>Renders, asserting the render itself succeeds.</summary>
    public static string Render(string program, params string[] arguments)
    {
        var result = Run(program, arguments);
        Assert.True(result.ExitCode == 0, $"{program} {string.Join(' ', arguments)} failed ({result.ExitCode}):\n{result.Stderr}");
        return result.Stdout;
    }

    /// <summary>Validates rendered YAML with deploy/validate/validate.mjs.</summary>
    public static ProcessResult Validate(string yaml, string label, bool noSecrets)
    {
        RequireValidatorPackages();
        var arguments = new List<string> { Validator, "--label", label };
        if (noSecrets)
        {
            arguments.Add("--no-secrets");
        }

        return Run("node", arguments, yaml);
    }
}
