namespace Homework.Experiments.Core;

/// <summary>
/// An error the user can act on: the message says what is wrong and what to do. The
/// command line prints it in one line and exits with a non-zero code, without a stack trace.
/// </summary>
public class HomeworkException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A bad option, value or name on the command line or in a config override.</summary>
public sealed class UsageException(string message) : HomeworkException(message);

/// <summary>A data file that is missing, truncated or corrupt.</summary>
public sealed class DataFileException(string path, string problem, string fix, Exception? inner = null)
    : HomeworkException($"{path}: {problem}. {fix}", inner)
{
    public string FilePath { get; } = path;
    public string Problem { get; } = problem;
}

/// <summary>A training run whose loss became NaN or infinite.</summary>
public sealed class TrainingDivergedException(int epoch, double loss, string what)
    : HomeworkException($"{what} diverged at epoch {epoch}: the loss is {loss}. Lower the learning rate or check the inputs; nothing was saved for this run.")
{
    public int Epoch { get; } = epoch;
    public double Loss { get; } = loss;
}
