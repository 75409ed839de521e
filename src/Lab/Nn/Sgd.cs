namespace NeuralSec.Lab.Nn;

/// <summary>SGD with classical momentum.</summary>
public sealed class Sgd : IOptimizer
{
    private readonly Parameter[] _params;
    private readonly float[][] _velocity;

    public Sgd(IEnumerable<Parameter> parameters, float learningRate, float momentum = 0.9f)
    {
        _params = parameters.ToArray();
        _velocity = _params.Select(p => new float[p.Value.Length]).ToArray();
        LearningRate = learningRate;
        Momentum = momentum;
    }

    public float LearningRate { get; set; }

    public float Momentum { get; }

    public void Step()
    {
        for (var k = 0; k < _params.Length; k++)
        {
            var w = _params[k].Value;
            var g = _params[k].Grad;
            var v = _velocity[k];
            for (var i = 0; i < w.Length; i++)
            {
                v[i] = Momentum * v[i] + g[i];
                w[i] -= LearningRate * v[i];
            }
        }
    }
}
