using System.Reflection;
using System.Reflection.Emit;
using TorchSharp;

namespace Homework.Tests.Unit.Safety;

/// <summary>
/// Finds code that hands LibTorch a <see cref="Scalar"/> nobody keeps alive. A Scalar made by
/// an implicit conversion (<c>t.mul(2)</c>) or by <c>ToScalar()</c> without a <c>using</c> is only
/// freed by its finalizer, and the finalizer can run on another thread while the native call
/// that received its handle is still reading it: a garbage collection started by any other
/// thread in that window frees the scalar, and LibTorch fails with "Expected false to be true"
/// (an unknown scalar tag) or computes with freed memory. TorchSharp 0.107.0 has such
/// temporaries inside many of its own methods (<c>square()</c>, <c>optim.Adam.step</c>, ...), so
/// the scan follows calls into TorchSharp transitively.
/// </summary>
/// <remarks>
/// The scan reads IL through reflection: every call, callvirt, newobj and ldftn operand of a
/// method body. Virtual calls count for the method named in the IL, not its overrides.
/// </remarks>
internal sealed class ScalarTemporaries
{
    private static readonly Dictionary<short, OpCode> OpCodes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    private const BindingFlags Everything =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private readonly Assembly torchSharp = typeof(Scalar).Assembly;
    private readonly Dictionary<(Guid, int), List<MethodBase>> calls = [];
    private readonly Dictionary<(Guid, int), string> reasons = [];

    private static (Guid, int) Key(MethodBase m) => (m.Module.ModuleVersionId, m.MetadataToken);

    /// <summary>
    /// Why calling <paramref name="method"/> can pass a temporary Scalar to native code, as a
    /// chain of calls ending at the conversion; null when it cannot.
    /// </summary>
    public string? WhyUnsafe(MethodBase method)
    {
        if (!calls.ContainsKey(Key(method)))
        {
            Explore(method);
            Propagate();
        }
        return reasons.GetValueOrDefault(Key(method));
    }

    /// <summary>Reads the bodies of the method and of every TorchSharp method it reaches; records the direct temporaries.</summary>
    private void Explore(MethodBase root)
    {
        var pending = new Stack<MethodBase>([root]);
        while (pending.TryPop(out var method))
        {
            if (calls.ContainsKey(Key(method))) continue;
            var code = Instructions(method);
            var callees = code.Where(i => i.Callee is not null).Select(i => i.Callee!).ToList();
            calls[Key(method)] = callees.Where(c => c.Module.Assembly == torchSharp).ToList();
            if (TemporaryScalar(code) is { } conversion)
                reasons[Key(method)] = Describe(conversion);
            foreach (var callee in calls[Key(method)])
                if (!calls.ContainsKey(Key(callee))) pending.Push(callee);
        }
    }

    /// <summary>A method is unsafe when it calls an unsafe TorchSharp method; repeated until nothing changes (call cycles).</summary>
    private void Propagate()
    {
        for (bool changed = true; changed;)
        {
            changed = false;
            foreach (var (key, callees) in calls)
            {
                if (reasons.ContainsKey(key)) continue;
                if (callees.FirstOrDefault(c => reasons.ContainsKey(Key(c))) is { } callee)
                {
                    reasons[key] = $"{Describe(callee)} -> {reasons[Key(callee)]}";
                    changed = true;
                }
            }
        }
    }

    /// <summary>Every method and constructor of <paramref name="assembly"/> that can pass a temporary Scalar to native code.</summary>
    public IEnumerable<string> Violations(Assembly assembly) =>
        from type in assembly.GetTypes()
        from method in type.GetMethods(Everything).Cast<MethodBase>().Concat(type.GetConstructors(Everything))
        where method.GetMethodBody() is not null
        let why = WhyUnsafe(method)
        where why is not null
        select $"{Describe(method)}: {why}";

    public static string Describe(MethodBase method) =>
        $"{method.DeclaringType?.FullName?.Replace("TorchSharp.", "")}.{method.Name}({string.Join(", ", method.GetParameters().Select(p => p.ParameterType.Name))})";

    private static bool IsConversion(MethodBase m) =>
        (m.DeclaringType == typeof(Scalar) && m.Name == "op_Implicit" && m is MethodInfo { ReturnType: var r } && r == typeof(Scalar))
        || (m.DeclaringType == typeof(ScalarExtensionMethods) && m.Name == nameof(ScalarExtensionMethods.ToScalar));

    /// <summary>
    /// The first conversion to Scalar whose result is not kept in a local that the method
    /// disposes (the <c>using</c> pattern: <c>stloc n</c> right after the conversion, and
    /// <c>ldloc n; callvirt Dispose</c> in the finally); null when every one is.
    /// </summary>
    private static MethodBase? TemporaryScalar(IReadOnlyList<Instruction> code)
    {
        var disposed = code.Zip(code.Skip(1))
            .Where(p => p.First.LoadedLocal is not null && p.Second.Callee is { Name: "Dispose" })
            .Select(p => p.First.LoadedLocal!.Value)
            .ToHashSet();
        for (int i = 0; i < code.Count; i++)
        {
            if (code[i].Callee is not { } callee || !IsConversion(callee)) continue;
            bool kept = i + 1 < code.Count && code[i + 1].StoredLocal is { } local && disposed.Contains(local);
            if (!kept) return callee;
        }
        return null;
    }

    /// <summary>One IL instruction: the method it calls (or takes a delegate to), the local it stores or loads.</summary>
    private sealed record Instruction(OpCode Op, MethodBase? Callee, int? StoredLocal, int? LoadedLocal);

    /// <summary>The instructions of a method body, decoded as far as the scan needs.</summary>
    private static List<Instruction> Instructions(MethodBase method)
    {
        var code = new List<Instruction>();
        byte[]? il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) return code;
        Type[]? typeArgs = method.DeclaringType is { IsGenericType: true } t ? t.GetGenericArguments() : null;
        Type[]? methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;

        for (int i = 0; i < il.Length;)
        {
            short value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            i += il[i] == 0xFE ? 2 : 1;
            var op = OpCodes[value];
            MethodBase? callee = null;
            if (op.OperandType == OperandType.InlineMethod)
            {
                try { callee = method.Module.ResolveMethod(BitConverter.ToInt32(il, i), typeArgs, methodArgs); }
                catch (Exception e) when (e is ArgumentException or MissingMethodException or TypeLoadException or BadImageFormatException) { }
            }
            int? operand = op.OperandType switch
            {
                OperandType.ShortInlineVar => il[i],
                OperandType.InlineVar => BitConverter.ToUInt16(il, i),
                _ => null,
            };
            code.Add(new Instruction(op, callee, Local(op, operand, "stloc"), Local(op, operand, "ldloc")));
            i += OperandSize(op, il, i);
        }
        return code;
    }

    /// <summary>The local index of a <c>stloc</c>/<c>ldloc</c> in any of its forms (<c>stloc.2</c>, <c>stloc.s 7</c>, ...).</summary>
    private static int? Local(OpCode op, int? operand, string family)
    {
        string name = op.Name ?? "";
        if (name == family || name == family + ".s") return operand;
        if (name.StartsWith(family + ".", StringComparison.Ordinal) && int.TryParse(name.AsSpan(family.Length + 1), out int index)) return index;
        return null;
    }

    /// <summary>The methods a body calls or takes a delegate to.</summary>
    public static IEnumerable<MethodBase> Callees(MethodBase method) =>
        Instructions(method).Where(i => i.Callee is not null).Select(i => i.Callee!);

    private static int OperandSize(OpCode op, byte[] il, int at) => op.OperandType switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, at),
        _ => 4,
    };
}
