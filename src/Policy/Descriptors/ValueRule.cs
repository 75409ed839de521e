using NeuralSec.Policy.Validation;
using NeuralSec.Policy.Yaml;

namespace NeuralSec.Policy.Descriptors;

/// <summary>A check on a value that already has its descriptor's shape; <paramref name="path"/> names it in messages.</summary>
internal delegate void ValueRule(YNode value, string path, PolicyDiagnostics diagnostics);
