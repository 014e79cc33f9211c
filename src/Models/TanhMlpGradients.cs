using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Models;

/// <summary>
/// The mean squared error of every member of a stack of small tanh MLPs in float64, with its
/// gradient, or the squared norm of that gradient with the gradient of the norm (a Hessian-vector
/// product), computed by the harness's own vector loops instead of LibTorch's autograd: the
/// minimal-ratio experiment's two phases.
/// </summary>
/// <remarks>
/// <para>
/// Why: the 57-parameter nets' steps are all overhead. Measured on an AMD EPYC (Zen 4), a stack of
/// 50 of them on 200 points took about 2 ms a step through autograd and 4.7 ms a step of the
/// gradient norm's double backward, for about a million and four million multiply-adds: in a
/// profile, 25% MKL's small-matrix products, 16% MKL's tanh, most of the rest autograd's per-call
/// work. On these kernels the minimal-ratio experiment takes half the time (the README's benchmarks).
/// </para>
/// <para>
/// How: each member's layers are computed on its points as rows, (units, points), four points to a
/// vector, one member after another, its rows (about 100 KB for the 1-4-8-1 nets on 200 points)
/// staying in the core's second-level cache; the gradient by the chain rule
/// (backpropagation), and the gradient of ‖∇L‖², which is 2·H·∇L, by Pearlmutter's R-operator: the
/// forward and backward passes differentiated once more along the direction ∇L. tanh is the
/// harness's own too (<see cref="Tanh"/>). Every sum runs in a fixed order with fused
/// multiply-adds, so the results depend on no math library's choice of kernel (the exponential is
/// .NET's <see cref="Vector256.Exp(Vector256{double})"/>); they are autograd's values up to
/// rounding, not its bits. A stack of one keeps autograd (bit-identical to the
/// single net).
/// </para>
/// </remarks>
public static class TanhMlpGradients
{
    private const int Lanes = 4;

    /// <summary>Whether the kernels compute this stack: tanh, more than one member, features first (<see cref="StackedMlp.FeatureMajor"/>), float64 parameters.</summary>
    public static bool Supports(StackedMlp model) =>
        model.Members > 1 && model.FeatureMajor && model.Activation == Activation.Tanh &&
        model.parameters().All(p => p.dtype == ScalarType.Float64 && p.device_type == DeviceType.CPU && p.is_contiguous());

    /// <summary>
    /// Each member's mean squared error on its own points, (M), its gradient added to the
    /// parameters' gradients (as a backward pass adds it). Inputs (M, N, widths[0]) and targets of
    /// M·N·widths[^1] values, member-major (as (M, N, widths[^1]) or (M·N, widths[^1])).
    /// </summary>
    public static Tensor MeanSquaredError(StackedMlp model, Tensor inputs, Tensor targets) => Run(model, inputs, targets, gradientNorm: false);

    /// <summary>
    /// Each member's squared gradient norm ‖∇θL‖², (M), L its mean squared error as in
    /// <see cref="MeanSquaredError"/>; the gradient of ‖∇θL‖² (2·H·∇θL) added to the parameters' gradients.
    /// </summary>
    public static Tensor GradientNormSquared(StackedMlp model, Tensor inputs, Tensor targets) => Run(model, inputs, targets, gradientNorm: true);

    private static Tensor Run(StackedMlp model, Tensor inputs, Tensor targets, bool gradientNorm)
    {
        if (!Supports(model))
            throw new ArgumentException($"The tanh MLP kernels compute stacks of more than one tanh net, features first, in float64; got {model.Members} member(s) of [{string.Join("-", model.Widths)}] with {model.Activation}.");
        var net = new Net(model.Widths, model.Members, inputs, targets);
        var parameters = model.parameters().ToList();
        var theta = ArrayPool<double>.Shared.Rent(net.Members * net.Parameters);
        var gradient = ArrayPool<double>.Shared.Rent(net.Members * net.Parameters);
        var points = ArrayPool<double>.Shared.Rent(net.Members * (net.Widths[0] + net.Widths[^1]) * net.Padded);
        try
        {
            net.Gather(parameters, theta);
            var x = points.AsSpan(0, net.Members * net.Widths[0] * net.Padded);
            var y = points.AsSpan(x.Length, net.Members * net.Widths[^1] * net.Padded);
            net.Rows(inputs, x, net.Widths[0]);
            net.Rows(targets, y, net.Widths[^1]);

            // Member after member, each one's rows staying in the core's cache.
            var values = new double[net.Members];
            var scratch = new Scratch(net);
            for (int m = 0; m < net.Members; m++)
            {
                var member = new Member(net, scratch, theta.AsSpan(m * net.Parameters, net.Parameters),
                    x.Slice(m * net.Widths[0] * net.Padded, net.Widths[0] * net.Padded), y.Slice(m * net.Widths[^1] * net.Padded, net.Widths[^1] * net.Padded));
                net.Forward(member);
                var own = gradient.AsSpan(m * net.Parameters, net.Parameters);
                values[m] = gradientNorm ? net.GradientNormGradient(member, own) : net.LossGradient(member, own);
            }
            net.Scatter(gradient, parameters);
            return tensor(values, ScalarType.Float64);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(theta);
            ArrayPool<double>.Shared.Return(gradient);
            ArrayPool<double>.Shared.Return(points);
        }
    }

    private static Span<double> Doubles(Tensor contiguous) => MemoryMarshal.Cast<byte, double>(contiguous.bytes);

    /// <summary>One member: its parameters, inputs and targets, and the working rows it is computed in, each (units, padded points).</summary>
    private readonly ref struct Member(Net net, Scratch scratch, ReadOnlySpan<double> theta, ReadOnlySpan<double> input, ReadOnlySpan<double> targets)
    {
        public Scratch Scratch { get; } = scratch;
        public ReadOnlySpan<double> Theta { get; } = theta;
        public ReadOnlySpan<double> Targets { get; } = targets;
        private readonly ReadOnlySpan<double> input = input;

        /// <summary>Layer l's output: the inputs for 0, tanh's for the hidden layers, the net's output (no tanh) for the last.</summary>
        public ReadOnlySpan<double> Activation(int l) => l == 0 ? input : Scratch.Activation[l];

        public ReadOnlySpan<double> Output => Scratch.Activation[net.Layers];
    }

    /// <summary>One member's working rows, reused member after member: every layer's output, δ (the loss's gradient in its pre-activations) and the R-operator's.</summary>
    private sealed class Scratch
    {
        public Scratch(Net net)
        {
            Activation = new double[net.Layers + 1][];
            Delta = new double[net.Layers + 1][];
            Back = new double[net.Layers + 1][];
            RDelta = new double[net.Layers + 1][];
            RActivation = new double[net.Layers + 1][];
            for (int l = 1; l <= net.Layers; l++)
            {
                Activation[l] = new double[net.Widths[l] * net.Padded];
                Delta[l] = new double[net.Widths[l] * net.Padded];
                Back[l] = new double[net.Widths[l] * net.Padded];
                RDelta[l] = new double[net.Widths[l] * net.Padded];
                RActivation[l] = new double[net.Widths[l] * net.Padded];
            }
            Gradient = new double[net.Parameters];
            RGradient = new double[net.Parameters];
        }

        /// <summary>a_l = tanh(z_l) for the hidden layers, z_L for the last, (widths[l], padded).</summary>
        public double[][] Activation { get; }

        /// <summary>δ_l = ∂L/∂z_l, (widths[l], padded).</summary>
        public double[][] Delta { get; }

        /// <summary>u_l = W_{l+1}ᵀ δ_{l+1}, the gradient in layer l's output before tanh's derivative (hidden layers).</summary>
        public double[][] Back { get; }

        public double[][] RDelta { get; }

        /// <summary>R{a_l}, the hidden outputs' derivative along the direction; for the last layer R{z_L}.</summary>
        public double[][] RActivation { get; }

        public double[] Gradient { get; }

        public double[] RGradient { get; }
    }

    /// <summary>The shapes of one call: widths, members, points and where each layer's weights and biases lie in a member's parameters.</summary>
    private sealed class Net
    {
        public Net(IReadOnlyList<int> widths, int members, Tensor inputs, Tensor targets)
        {
            Widths = [.. widths];
            Members = members;
            Layers = Widths.Length - 1;
            if (inputs.dim() != 3 || inputs.shape[0] != members || inputs.shape[2] != Widths[0])
                throw new ArgumentException($"Inputs must be (M, N, {Widths[0]}) for M = {members}; got [{string.Join(", ", inputs.shape)}].");
            Points = checked((int)inputs.shape[1]);
            if (Points < 1) throw new ArgumentException("Inputs must hold at least one point.");
            if (targets.numel() != (long)members * Points * Widths[^1])
                throw new ArgumentException($"Targets must hold M·N·{Widths[^1]} = {(long)members * Points * Widths[^1]} values; got [{string.Join(", ", targets.shape)}].");
            Padded = (Points + Lanes - 1) / Lanes * Lanes;
            WeightAt = new int[Layers + 1];
            BiasAt = new int[Layers + 1];
            int offset = 0;
            for (int l = 1; l <= Layers; l++)
            {
                WeightAt[l] = offset;
                offset += Widths[l] * Widths[l - 1];
                BiasAt[l] = offset;
                offset += Widths[l];
            }
            Parameters = offset;
            Scale = 2.0 / ((double)Points * Widths[^1]);
        }

        public int[] Widths { get; }
        public int Members { get; }
        public int Layers { get; }
        public int Points { get; }

        /// <summary>Points rounded up to whole vectors; the extra lanes' errors are set to zero, so they add nothing to any sum.</summary>
        public int Padded { get; }

        /// <summary>Parameters per member, in the single net's order: fc1.weight (out, in), fc1.bias, fc2.weight, ...</summary>
        public int Parameters { get; }

        public int[] WeightAt { get; }
        public int[] BiasAt { get; }

        /// <summary>∂L/∂output per unit of error: 2 / (N · outputs).</summary>
        public double Scale { get; }

        private int Vectors => Padded / Lanes;

        /// <summary>Every member's parameters, member-major, from the stack's tensors (weights (M, out, in), biases (M, out, 1)).</summary>
        public void Gather(IReadOnlyList<Tensor> parameters, double[] theta)
        {
            CheckParameters(parameters);
            for (int l = 1; l <= Layers; l++)
            {
                int weights = Widths[l] * Widths[l - 1], biases = Widths[l];
                ReadOnlySpan<double> w = Doubles(parameters[2 * (l - 1)]), b = Doubles(parameters[2 * l - 1]);
                for (int m = 0; m < Members; m++)
                {
                    w.Slice(m * weights, weights).CopyTo(theta.AsSpan(m * Parameters + WeightAt[l], weights));
                    b.Slice(m * biases, biases).CopyTo(theta.AsSpan(m * Parameters + BiasAt[l], biases));
                }
            }
        }

        /// <summary>Adds every member's gradient to the parameters' gradients, creating them (zero) where there are none.</summary>
        public void Scatter(double[] gradient, IReadOnlyList<Tensor> parameters)
        {
            for (int l = 1; l <= Layers; l++)
            {
                int weights = Widths[l] * Widths[l - 1], biases = Widths[l];
                // The gradients' handles are this call's own; the parameters keep their gradients.
                using var weightGradient = GradientOf(parameters[2 * (l - 1)]);
                using var biasGradient = GradientOf(parameters[2 * l - 1]);
                Span<double> w = Doubles(weightGradient), b = Doubles(biasGradient);
                for (int m = 0; m < Members; m++)
                {
                    Add(gradient.AsSpan(m * Parameters + WeightAt[l], weights), w.Slice(m * weights, weights));
                    Add(gradient.AsSpan(m * Parameters + BiasAt[l], biases), b.Slice(m * biases, biases));
                }
            }

            static void Add(ReadOnlySpan<double> source, Span<double> target)
            {
                for (int k = 0; k < source.Length; k++) target[k] += source[k];
            }
        }

        private static Tensor GradientOf(Tensor parameter)
        {
            var grad = parameter.grad;
            if (grad is null)
            {
                using (var zero = zeros_like(parameter)) parameter.grad = zero;
                grad = parameter.grad!;
            }
            if (grad.dtype != ScalarType.Float64 || !grad.is_contiguous() || !grad.shape.SequenceEqual(parameter.shape))
                throw new ArgumentException($"The parameters' gradients must be contiguous float64 of their shape; got a {grad.dtype} gradient of shape [{string.Join(", ", grad.shape)}].");
            return grad;
        }

        private void CheckParameters(IReadOnlyList<Tensor> parameters)
        {
            if (parameters.Count != 2 * Layers)
                throw new ArgumentException($"A stack of [{string.Join("-", Widths)}] nets has {2 * Layers} parameter tensors; got {parameters.Count}.");
            for (int l = 1; l <= Layers; l++)
            {
                if (!parameters[2 * (l - 1)].shape.SequenceEqual([Members, Widths[l], Widths[l - 1]]) ||
                    parameters[2 * l - 1].numel() != (long)Members * Widths[l])
                    throw new ArgumentException($"Layer {l}'s weights must be (M, {Widths[l]}, {Widths[l - 1]}) and its biases hold M·{Widths[l]} values, features first; got [{string.Join(", ", parameters[2 * (l - 1)].shape)}] and [{string.Join(", ", parameters[2 * l - 1].shape)}].");
            }
        }

        /// <summary>Copies (M, N, width) values, member-major, to rows (M, width, padded) with zeros beyond the points.</summary>
        public void Rows(Tensor values, Span<double> rows, int width)
        {
            using var typed = values.to_type(ScalarType.Float64);
            using var contiguous = typed.contiguous();
            ReadOnlySpan<double> source = Doubles(contiguous);
            rows.Clear();
            for (int m = 0; m < Members; m++)
                for (int n = 0; n < Points; n++)
                    for (int i = 0; i < width; i++)
                        rows[(m * width + i) * Padded + n] = source[(m * Points + n) * width + i];
        }

        /// <summary>Every layer's output of one member, into its <see cref="Scratch.Activation"/>.</summary>
        public void Forward(Member member)
        {
            for (int l = 1; l <= Layers; l++)
                Affine(member.Theta, l, member.Activation(l - 1), member.Scratch.Activation[l], tanh: l < Layers);
        }

        /// <summary>
        /// z = W_l a + b_l for one member, each output row the bias plus the inputs' rows times their
        /// weights in input order; tanh(z) when <paramref name="tanh"/>.
        /// </summary>
        public void Affine(ReadOnlySpan<double> theta, int l, ReadOnlySpan<double> a, Span<double> z, bool tanh = false)
        {
            int inputs = Widths[l - 1];
            for (int j = 0; j < Widths[l]; j++)
            {
                var bias = Vector256.Create(theta[BiasAt[l] + j]);
                var weights = theta.Slice(WeightAt[l] + j * inputs, inputs);
                for (int v = 0; v < Vectors; v++)
                {
                    var sum = bias;
                    for (int i = 0; i < inputs; i++)
                        sum = Vector256.FusedMultiplyAdd(Vector256.Create(weights[i]), Load(a, i * Padded + v * Lanes), sum);
                    Store(tanh ? Tanh(sum) : sum, z, j * Padded + v * Lanes);
                }
            }
        }

        /// <summary>One member's loss; its gradient into <paramref name="gradient"/>.</summary>
        public double LossGradient(Member member, Span<double> gradient)
        {
            double loss = Backward(member, member.Scratch);
            member.Scratch.Gradient.CopyTo(gradient);
            return loss;
        }

        /// <summary>One member's ‖∇L‖²; its gradient, 2·H·∇L, into <paramref name="gradient"/>.</summary>
        public double GradientNormGradient(Member member, Span<double> gradient)
        {
            var scratch = member.Scratch;
            Backward(member, scratch);
            ReadOnlySpan<double> g = scratch.Gradient;
            double norm = 0;
            for (int k = 0; k < g.Length; k++) norm = Math.FusedMultiplyAdd(g[k], g[k], norm);
            HessianTimesGradient(member, scratch);
            ReadOnlySpan<double> hg = scratch.RGradient;
            for (int k = 0; k < hg.Length; k++) gradient[k] = 2 * hg[k];
            return norm;
        }

        /// <summary>The loss and its gradient (into <see cref="Scratch.Gradient"/>), keeping every layer's δ and u.</summary>
        private double Backward(Member member, Scratch s)
        {
            // δ_L = 2/(N·outputs) · (o − y), zero beyond the points.
            var scale = Vector256.Create(Scale);
            var squares = Vector256<double>.Zero;
            double[] delta = s.Delta[Layers];
            for (int j = 0; j < Widths[^1]; j++)
                for (int v = 0; v < Vectors; v++)
                {
                    int at = j * Padded + v * Lanes;
                    var error = Mask(Load(member.Output, at) - Load(member.Targets, at), v);
                    squares = Vector256.FusedMultiplyAdd(error, error, squares);
                    Store(scale * error, delta, at);
                }
            double loss = Sum(squares) / ((double)Points * Widths[^1]);

            for (int l = Layers; l >= 1; l--)
            {
                var a = member.Activation(l - 1);
                Products(s.Delta[l], a, Widths[l], Widths[l - 1], s.Gradient.AsSpan(WeightAt[l]), s.Gradient.AsSpan(BiasAt[l]));
                if (l == 1) break;
                // u = W_lᵀ δ_l; δ_{l-1} = u ⊙ (1 − a²).
                TransposedProduct(member.Theta.Slice(WeightAt[l]), s.Delta[l], l, s.Back[l - 1]);
                double[] back = s.Back[l - 1], previous = s.Delta[l - 1];
                for (int k = 0; k < Widths[l - 1] * Padded; k += Lanes)
                {
                    var ak = Load(a, k);
                    Store(Load(back, k) * Vector256.FusedMultiplyAdd(-ak, ak, Vector256<double>.One), previous, k);
                }
            }
            return loss;
        }

        /// <summary>H·g for the gradient g in <see cref="Scratch.Gradient"/> (into <see cref="Scratch.RGradient"/>): the R-operator along g.</summary>
        private void HessianTimesGradient(Member member, Scratch s)
        {
            ReadOnlySpan<double> theta = member.Theta, direction = s.Gradient;
            // Forward: R{z_l} = V_l a_{l-1} + v_l + W_l R{a_{l-1}} (R{a_0} = 0); R{a_l} = (1 − a_l²) ⊙ R{z_l}.
            for (int l = 1; l <= Layers; l++)
            {
                Affine(direction, l, member.Activation(l - 1), s.RActivation[l]);
                if (l > 1) AddProduct(theta, l, s.RActivation[l - 1], s.RActivation[l]);
                if (l == Layers) break;
                var a = member.Activation(l);
                double[] r = s.RActivation[l];
                for (int k = 0; k < Widths[l] * Padded; k += Lanes)
                {
                    var ak = Load(a, k);
                    Store(Load(r, k) * Vector256.FusedMultiplyAdd(-ak, ak, Vector256<double>.One), r, k);
                }
            }

            // Backward: R{δ_L} = 2/(N·outputs) · R{o}, zero beyond the points.
            var scale = Vector256.Create(Scale);
            for (int j = 0; j < Widths[^1]; j++)
                for (int v = 0; v < Vectors; v++)
                {
                    int at = j * Padded + v * Lanes;
                    Store(scale * Mask(Load(s.RActivation[Layers], at), v), s.RDelta[Layers], at);
                }
            for (int l = Layers; l >= 1; l--)
            {
                var a = member.Activation(l - 1);
                var weights = s.RGradient.AsSpan(WeightAt[l]);
                var biases = s.RGradient.AsSpan(BiasAt[l]);
                // R{gW_l} = R{δ_l} a_{l-1}ᵀ + δ_l R{a_{l-1}}ᵀ; R{gb_l} = Σ R{δ_l}.
                if (l == 1) Products(s.RDelta[l], a, Widths[l], Widths[l - 1], weights, biases);
                else Products(s.RDelta[l], a, s.Delta[l], s.RActivation[l - 1], Widths[l], Widths[l - 1], weights, biases);
                if (l == 1) break;
                // R{u} = W_lᵀ R{δ_l} + V_lᵀ δ_l; R{δ_{l-1}} = R{u} ⊙ (1 − a²) − 2 u ⊙ a ⊙ R{a}.
                double[] ru = s.RDelta[l - 1];
                TransposedProduct(theta.Slice(WeightAt[l]), s.RDelta[l], l, ru);
                TransposedProduct(direction.Slice(WeightAt[l]), s.Delta[l], l, ru, add: true);
                double[] u = s.Back[l - 1], ra = s.RActivation[l - 1];
                var minusTwo = Vector256.Create(-2.0);
                for (int k = 0; k < Widths[l - 1] * Padded; k += Lanes)
                {
                    var ak = Load(a, k);
                    var first = Load(ru, k) * Vector256.FusedMultiplyAdd(-ak, ak, Vector256<double>.One);
                    Store(Vector256.FusedMultiplyAdd(minusTwo * Load(u, k) * ak, Load(ra, k), first), ru, k);
                }
            }
        }

        /// <summary>z += W_l r for one member (the R-forward's second term), each output row in input order.</summary>
        private void AddProduct(ReadOnlySpan<double> theta, int l, ReadOnlySpan<double> r, Span<double> z)
        {
            int inputs = Widths[l - 1];
            for (int j = 0; j < Widths[l]; j++)
            {
                var weights = theta.Slice(WeightAt[l] + j * inputs, inputs);
                for (int v = 0; v < Vectors; v++)
                {
                    int at = j * Padded + v * Lanes;
                    var sum = Load(z, at);
                    for (int i = 0; i < inputs; i++)
                        sum = Vector256.FusedMultiplyAdd(Vector256.Create(weights[i]), Load(r, i * Padded + v * Lanes), sum);
                    Store(sum, z, at);
                }
            }
        }

        /// <summary>
        /// u = Wᵀ δ (or u += Wᵀ δ when <paramref name="add"/>) for layer l's weights (out, in) in
        /// <paramref name="weights"/>: each input row the output rows times their weights, in output order.
        /// </summary>
        private void TransposedProduct(ReadOnlySpan<double> weights, ReadOnlySpan<double> delta, int l, Span<double> u, bool add = false)
        {
            int inputs = Widths[l - 1];
            for (int i = 0; i < inputs; i++)
                for (int v = 0; v < Vectors; v++)
                {
                    int at = i * Padded + v * Lanes;
                    var sum = add ? Load(u, at) : Vector256<double>.Zero;
                    for (int j = 0; j < Widths[l]; j++)
                        sum = Vector256.FusedMultiplyAdd(Vector256.Create(weights[j * inputs + i]), Load(delta, j * Padded + v * Lanes), sum);
                    Store(sum, u, at);
                }
        }

        /// <summary>Weight gradients δ aᵀ (outputs x inputs, each a sum over the points in point order) and bias gradients Σ δ.</summary>
        private void Products(ReadOnlySpan<double> delta, ReadOnlySpan<double> a, int outputs, int inputs, Span<double> weights, Span<double> biases) =>
            Products(delta, a, default, default, outputs, inputs, weights, biases);

        /// <summary>
        /// Weight gradients δ aᵀ + ε bᵀ (ε and b empty: δ aᵀ alone), each weight's sum over the points in
        /// point order, and bias gradients Σ δ. Four inputs at a time, so that four sums are under way
        /// at once rather than one waiting on its own previous multiply-add.
        /// </summary>
        private void Products(ReadOnlySpan<double> delta, ReadOnlySpan<double> a, ReadOnlySpan<double> epsilon, ReadOnlySpan<double> b, int outputs, int inputs, Span<double> weights, Span<double> biases)
        {
            bool second = !epsilon.IsEmpty;
            for (int j = 0; j < outputs; j++)
            {
                var d = delta.Slice(j * Padded, Padded);
                var e = second ? epsilon.Slice(j * Padded, Padded) : default;
                int i = 0;
                for (; i + 4 <= inputs; i += 4)
                {
                    var a0 = a.Slice(i * Padded, 4 * Padded);
                    var b0 = second ? b.Slice(i * Padded, 4 * Padded) : default;
                    Vector256<double> s0 = default, s1 = default, s2 = default, s3 = default;
                    for (int k = 0; k < Padded; k += Lanes)
                    {
                        var dk = Load(d, k);
                        s0 = Vector256.FusedMultiplyAdd(dk, Load(a0, k), s0);
                        s1 = Vector256.FusedMultiplyAdd(dk, Load(a0, Padded + k), s1);
                        s2 = Vector256.FusedMultiplyAdd(dk, Load(a0, 2 * Padded + k), s2);
                        s3 = Vector256.FusedMultiplyAdd(dk, Load(a0, 3 * Padded + k), s3);
                        if (!second) continue;
                        var ek = Load(e, k);
                        s0 = Vector256.FusedMultiplyAdd(ek, Load(b0, k), s0);
                        s1 = Vector256.FusedMultiplyAdd(ek, Load(b0, Padded + k), s1);
                        s2 = Vector256.FusedMultiplyAdd(ek, Load(b0, 2 * Padded + k), s2);
                        s3 = Vector256.FusedMultiplyAdd(ek, Load(b0, 3 * Padded + k), s3);
                    }
                    weights[j * inputs + i] = Sum(s0);
                    weights[j * inputs + i + 1] = Sum(s1);
                    weights[j * inputs + i + 2] = Sum(s2);
                    weights[j * inputs + i + 3] = Sum(s3);
                }
                for (; i < inputs; i++)
                {
                    var ai = a.Slice(i * Padded, Padded);
                    var bi = second ? b.Slice(i * Padded, Padded) : default;
                    var sum = Vector256<double>.Zero;
                    for (int k = 0; k < Padded; k += Lanes)
                    {
                        sum = Vector256.FusedMultiplyAdd(Load(d, k), Load(ai, k), sum);
                        if (second) sum = Vector256.FusedMultiplyAdd(Load(e, k), Load(bi, k), sum);
                    }
                    weights[j * inputs + i] = Sum(sum);
                }
                biases[j] = RowSum(d);
            }
        }

        private static double RowSum(ReadOnlySpan<double> row)
        {
            var sum = Vector256<double>.Zero;
            for (int k = 0; k < row.Length; k += Lanes) sum += Load(row, k);
            return Sum(sum);
        }

        /// <summary>The lanes of vector v that are points; zero in the padding.</summary>
        private Vector256<double> Mask(Vector256<double> values, int v)
        {
            int valid = Points - v * Lanes;
            if (valid >= Lanes) return values;
            return Vector256.Create(valid > 0 ? values[0] : 0, valid > 1 ? values[1] : 0, valid > 2 ? values[2] : 0, 0);
        }
    }

    /// <summary>Below this |x| tanh is its Taylor series, above it (1 − e^(−2|x|)) / (1 + e^(−2|x|)), where e^(−2|x|) &lt; 0.25 and the subtraction loses no digits.</summary>
    private const double SeriesBelow = 0.7;

    /// <summary>
    /// tanh's Taylor coefficients of x³, x⁵, ..., x⁴⁹ (2^2n (2^2n − 1) B_2n / (2n)!, B the Bernoulli
    /// numbers), rounded to double: below <see cref="SeriesBelow"/> the terms left out are under
    /// 2e-17 of the sum.
    /// </summary>
    private static ReadOnlySpan<double> TanhSeries =>
    [
        -0.3333333333333333,
        0.13333333333333333,
        -0.05396825396825397,
        0.021869488536155203,
        -0.008863235529902197,
        0.003592128036572481,
        -0.0014558343870513183,
        0.000590027440945586,
        -0.00023912911424355248,
        9.691537956929451e-05,
        -3.927832388331683e-05,
        1.5918905069328964e-05,
        -6.451689215655431e-06,
        2.6147711512907546e-06,
        -1.0597268320104654e-06,
        4.294911078273806e-07,
        -1.7406618963571648e-07,
        7.054636946400968e-08,
        -2.859136662305254e-08,
        1.1587644432798853e-08,
        -4.6962953982309016e-09,
        1.903336833931276e-09,
        -7.713933635359062e-10,
        3.126339545892087e-10,
    ];

    /// <summary>
    /// tanh of four values, within two units in the last place of <see cref="Math.Tanh(double)"/>
    /// (<c>TanhMlpGradientsTests</c> measures it on 220,000 values: 69% equal, 0.4% two units
    /// apart). The harness's own so that a member's forward pass runs start to end in the cache
    /// without a LibTorch call per layer, and its results depend on no math library's code path;
    /// about as fast as MKL's, which LibTorch calls (about 4.5 ns a value in a loop here).
    /// </summary>
    public static Vector256<double> Tanh(Vector256<double> x)
    {
        var sign = Vector256.Create(-0.0);
        var a = Vector256.AndNot(x, sign); // |x|
        // Series: |x| + |x|³ · P(x²), P(u) = Σ c_k u^k as four polynomials in u⁴ (the terms k mod 4 = 0, 1, 2, 3),
        // each by Horner, so that four short chains of multiply-adds run side by side instead of one long one.
        var u = a * a;
        var u2 = u * u;
        var u4 = u2 * u2;
        var c = TanhSeries; // 24 coefficients: six of each chain
        int last = c.Length - 4;
        Vector256<double> p0 = Vector256.Create(c[last]), p1 = Vector256.Create(c[last + 1]), p2 = Vector256.Create(c[last + 2]), p3 = Vector256.Create(c[last + 3]);
        for (int k = last - 4; k >= 0; k -= 4)
        {
            p0 = Vector256.FusedMultiplyAdd(p0, u4, Vector256.Create(c[k]));
            p1 = Vector256.FusedMultiplyAdd(p1, u4, Vector256.Create(c[k + 1]));
            p2 = Vector256.FusedMultiplyAdd(p2, u4, Vector256.Create(c[k + 2]));
            p3 = Vector256.FusedMultiplyAdd(p3, u4, Vector256.Create(c[k + 3]));
        }
        var p = Vector256.FusedMultiplyAdd(Vector256.FusedMultiplyAdd(p3, u, p2), u2, Vector256.FusedMultiplyAdd(p1, u, p0));
        var series = Vector256.FusedMultiplyAdd(a * u, p, a);
        // Exponential: t = e^(−2|x|) is 0 beyond |x| ≈ 373 (tanh 1), NaN for NaN.
        var t = Vector256.Exp(a * Vector256.Create(-2.0));
        var exponential = Vector256<double>.One - (t + t) / (Vector256<double>.One + t);
        var magnitude = Vector256.ConditionalSelect(Vector256.LessThan(a, Vector256.Create(SeriesBelow)), series, exponential);
        return magnitude | (x & sign);
    }

    /// <summary>A vector's lanes added in one fixed order.</summary>
    private static double Sum(Vector256<double> v) => (v.GetElement(0) + v.GetElement(1)) + (v.GetElement(2) + v.GetElement(3));

    /// <summary>Four values from <paramref name="at"/>, unchecked: every row here is a whole number of vectors long, its length fixed by <see cref="Net"/> when the call begins.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Load(ReadOnlySpan<double> source, int at) => Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(source), (nuint)at);

    /// <summary>Four values to <paramref name="at"/>, unchecked as <see cref="Load"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector256<double> value, Span<double> target, int at) => value.StoreUnsafe(ref MemoryMarshal.GetReference(target), (nuint)at);
}
