namespace NeuralSec.Lab.Training;

/// <summary>
/// The stopping rule of a <see cref="RobustnessCheck"/>: remembers the best check and says when accuracy has fallen
/// more than <c>maxDrop</c> below it. The trainer keeps the weights of the best check.
/// </summary>
internal sealed class EarlyStopping
{
    private readonly double _maxDrop;
    private readonly List<(int Epoch, double Accuracy)> _checks = [];

    public EarlyStopping(double maxDrop)
    {
        _maxDrop = maxDrop;
    }

    public IReadOnlyList<(int Epoch, double Accuracy)> Checks => _checks;

    /// <summary>Epoch (1-based) of the best check so far; 0 before the first.</summary>
    public int BestEpoch { get; private set; }

    public double BestAccuracy { get; private set; } = double.NegativeInfinity;

    public bool ShouldStop { get; private set; }

    /// <returns>True when this check is the best so far (ties keep the earlier one).</returns>
    public bool Observe(int epoch, double accuracy)
    {
        _checks.Add((epoch, accuracy));
        if (accuracy > BestAccuracy)
        {
            BestEpoch = epoch;
            BestAccuracy = accuracy;
            return true;
        }

        ShouldStop |= accuracy < BestAccuracy - _maxDrop;
        return false;
    }
}
