namespace NeuralSec.Lab.Nn;

public sealed class Adam : IOptimizer
{
    private readonly Parameter[] _params;
    private readonly float[][] _m;
    private readonly float[][] _v;
    private int _t;

    public Adam(IEnumerable<Parameter> parameters, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f)
    {
        _params = parameters.ToArray();
        _m = _params.Select(p => new float[p.Value.Length]).ToArray();
        _v = _params.Select(p => new float[p.Value.Length]).ToArray();
        LearningRate = learningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    public float LearningRate { get; set; }

    public float Beta1 { get; }

    public float Beta2 { get; }

    public float Epsilon { get; }

    public void Step()
    {
        _t++;
        var c1 = 1f - MathF.Pow(Beta1, _t);
        var c2 = 1f - MathF.Pow(Beta2, _t);
        for (var k = 0; k < _params.Length; k++)
        {
            var w = _params[k].Value;
            var g = _params[k].Grad;
            var m = _m[k];
            var v = _v[k];
            for (var i = 0; i < w.Length; i++)
            {
                m[i] = Beta1 * m[i] + (1f - Beta1) * g[i];
                v[i] = Beta2 * v[i] + (1f - Beta2) * g[i] * g[i];
                w[i] -= LearningRate * (m[i] / c1) / (MathF.Sqrt(v[i] / c2) + Epsilon);
            }
        }
    }
}
