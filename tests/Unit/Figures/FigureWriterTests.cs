using Homework.Experiments;
using Homework.Experiments.Core;
using Homework.Experiments.Figures;
using Homework.Experiments.Runs;

namespace Homework.Tests.Unit.Figures;

/// <summary>Figures are drawn from results into numbered PNG files of one size.</summary>
public sealed class FigureWriterTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void Every_function_fitting_figure_is_written_as_a_png_named_after_its_number()
    {
        var result = FunctionFitting.Run(FunctionFittingConfig.Quick with { Epochs = 3, Points = 20, Seeds = [0, 1] }, new RunContext());
        foreach (var figure in Catalog.FiguresOf(FunctionFitting.Experiment))
        {
            string path = FigureWriter.Write(dir.Path, figure, result, Profile.Quick);
            Path.GetFileName(path).Should().MatchRegex($"^fig{figure.Number:00}-[a-z0-9-]+\\.png$");
            byte[] png = File.ReadAllBytes(path);
            png[..8].Should().Equal(0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A);
            System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)).Should().Be(FigureWriter.Width);
            System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)).Should().Be(FigureWriter.Height);
        }
    }
}
