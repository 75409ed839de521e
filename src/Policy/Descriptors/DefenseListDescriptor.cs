using NeuralSec.Detectors.Catalog;

namespace NeuralSec.Policy.Descriptors;

/// <summary>
/// <c>spec.preprocess</c> or <c>spec.detect</c>: a list of <c>{ type: …, &lt;options&gt; }</c> whose allowed keys
/// depend on the <c>type</c>. The options come from the defense catalog, not from this tree, so a new defense
/// needs no change here.
/// </summary>
internal sealed record DefenseListDescriptor(DefenseStage Stage) : ValueDescriptor;
