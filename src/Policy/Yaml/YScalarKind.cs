namespace NeuralSec.Policy.Yaml;

/// <summary>What a scalar resolves to under the YAML 1.2 core schema (the one editors and Kubernetes tooling use).</summary>
internal enum YScalarKind
{
    Null,
    Boolean,
    Integer,
    Float,
    String,
}
