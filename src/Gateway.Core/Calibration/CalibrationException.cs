namespace NeuralSec.Gateway.Calibration;

/// <summary>Calibration cannot go on (a data file that does not fit the model, a detector that fails); the command
/// prints the message on one line and exits 1.</summary>
internal sealed class CalibrationException : Exception
{
    public CalibrationException()
    {
    }

    public CalibrationException(string message)
        : base(message)
    {
    }

    public CalibrationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
