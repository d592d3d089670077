// AbCompare: two builds of FastMlp side by side in one process, each in its own AssemblyLoadContext, their
// calls interleaved round by round (the order alternating), so machine noise hits both alike; prints the
// medians and the ratio. Not part of FastMlp.sln (it loads built DLLs, not the project). Usage:
//   git worktree add /tmp/old <commit> && dotnet build /tmp/old/src/FastMlp -c Release -o /tmp/oldbin
//   dotnet build src/FastMlp -c Release -o /tmp/newbin && dotnet build tests/FastMlp.Probe -c Release
//   dotnet run -c Release --project perf/AbCompare -- /tmp/oldbin /tmp/newbin tests/FastMlp.Probe/bin/Release/net10.0 [step]
// (the third folder supplies System.Numerics.Tensors.dll); without a mode it compares Gemm.Multiply on
// square and MLP shapes at 1 and 2 threads, with "step" Trainer.Step on W2 (batch 1, 32) and W4, with
// "predict" Predictor.Predict on the W3 network (batch 1, 8, 64, 256; 1 and 2 threads; AB_BATCHES="1,8" and
// AB_THREADS="1" narrow it, AB_PRECISION="BFloat16" sets both predictors' precision); AB_STEPS="W4" or "W2 B=1,W2 B=32" narrows "step",
// and AB_THREADS sets its trainers' maxDegreeOfParallelism (default 1); AB_OPTIMIZER = momentum, adam or
// rmsprop steps with that optimizer instead of plain SGD.
using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;

string oldDir = args[0], newDir = args[1], deps = args[2];
// The same folder twice loads one copy: one worker pool, so 2-thread figures are not disturbed by a second
// pool's spinning workers (two builds each bring their own pool; their 2-thread ratios are only indicative).
Assembly first = Load("old", oldDir);
var libs = new[] { first, oldDir == newDir ? first : Load("new", newDir) };
Assembly Load(string name, string dir)
{
    var alc = new AssemblyLoadContext(name);
    alc.Resolving += (c, n) => c.LoadFromAssemblyPath(Path.Combine(deps, n.Name + ".dll"));
    return alc.LoadFromAssemblyPath(Path.Combine(dir, "FastMlp.dll"));
}
Mul[] muls = libs.Select(a => (Mul)Delegate.CreateDelegate(typeof(Mul), a.GetType("FastMlp.Gemm")!.GetMethods().Single(m => m.Name == "Multiply" && m.GetParameters().Length == 9))).ToArray();

var rng = new Random(1);
if (args.Length > 3 && args[3] == "step")
{
    foreach (var (sizes, hidden, output, loss, batch, label) in new (int[], string, string, string, int, string)[] {
        ([784, 256, 128, 10], "Relu", "Softmax", "CrossEntropy", 1, "W2 B=1"), ([784, 256, 128, 10], "Relu", "Softmax", "CrossEntropy", 32, "W2 B=32"), ([2, 2, 1], "Sigmoid", "Sigmoid", "SumSquaredError", 1, "W4") })
    {
        if (Environment.GetEnvironmentVariable("AB_STEPS") is { Length: > 0 } only && !only.Split(',').Contains(label)) continue;
        int stepThreads = int.Parse(Environment.GetEnvironmentVariable("AB_THREADS") ?? "1");
        var steps = libs.Select(a => MakeStep(a, sizes, hidden, output, loss, batch, stepThreads)).ToArray();
        float[] x = Fill(batch * sizes[0]).Select(v => v + 0.5f).ToArray(), t = new float[batch * sizes[^1]];
        for (int r = 0; r < batch; r++) t[r * sizes[^1] + (r % sizes[^1])] = 1;
        int reps = batch == 1 && sizes[0] == 2 ? 200_000 : batch == 1 ? 2_000 : 200;
        var times = new List<double>[] { new(), new() };
        for (int round = 0; round < 44; round++)
            for (int w0 = 0; w0 < 2; w0++)
            {
                int w = (round + w0) % 2;
                long t0 = Stopwatch.GetTimestamp();
                for (int r = 0; r < reps; r++) steps[w](x, t);
                if (round >= 4) times[w].Add(Stopwatch.GetElapsedTime(t0).TotalSeconds / reps);
            }
        double mo = Median(times[0]), mn = Median(times[1]);
        Console.WriteLine($"{label} Trainer.Step, {stepThreads} thread(s): old {mo * 1e6:F3} us, new {mn * 1e6:F3} us, new/old time {mn / mo:F3}");
    }
    return;
}

if (args.Length > 3 && args[3] == "predict")
{
    int[] sizes = [784, 256, 128, 10];
    foreach (int threads in Environment.GetEnvironmentVariable("AB_THREADS")?.Split(',').Select(int.Parse).ToArray() ?? [1, 2])
        foreach (int batch in Environment.GetEnvironmentVariable("AB_BATCHES")?.Split(',').Select(int.Parse).ToArray() ?? [1, 8, 64, 256])
        {
            var predicts = libs.Select(a => MakePredict(a, sizes, batch, threads)).ToArray();
            ArraySegment<float> x = Aligned(Fill(batch * sizes[0]).Select(v => v + 0.5f).ToArray()), y = Aligned(new float[batch * sizes[^1]]);
            int reps = Math.Max(20, 20_000 / batch);
            var times = new List<double>[] { new(), new() };
            for (int round = 0; round < 44; round++)
                for (int w0 = 0; w0 < 2; w0++)
                {
                    int w = (round + w0) % 2;
                    long t0 = Stopwatch.GetTimestamp();
                    for (int r = 0; r < reps; r++) predicts[w](x, y);
                    if (round >= 4) times[w].Add(Stopwatch.GetElapsedTime(t0).TotalSeconds / reps);
                }
            double mo = Median(times[0]), mn = Median(times[1]);
            Console.WriteLine($"{threads}T W3 B={batch} Predictor.Predict: old {mo * 1e6:F2} us ({batch / mo:F0}/s), new {mn * 1e6:F2} us ({batch / mn:F0}/s), new/old speed {mo / mn:F3}");
        }
    return;
}

Predict MakePredict(Assembly a, int[] sizes, int batch, int threads)
{
    Type act = a.GetType("FastMlp.Activation")!, net = a.GetType("FastMlp.Network")!, options = a.GetType("FastMlp.PredictorOptions")!;
    object network = net.GetMethods().Single(m => m.Name == "Create" && m.GetParameters().Length == 4 && m.GetParameters()[1].ParameterType == act)
        .Invoke(null, [sizes, Enum.Parse(act, "Relu"), Enum.Parse(act, "Softmax"), 0])!;
    object opts = Activator.CreateInstance(options)!;
    options.GetProperty("MaxBatch")!.SetValue(opts, batch);
    options.GetProperty("MaxDegreeOfParallelism")!.SetValue(opts, threads);
    if (Environment.GetEnvironmentVariable("AB_PRECISION") is { Length: > 0 } precision)
        options.GetProperty("Precision")!.SetValue(opts, Enum.Parse(a.GetType("FastMlp.PredictorPrecision")!, precision));
    Type predictor = a.GetType("FastMlp.Predictor")!;
    object p = predictor.GetMethod("Create")!.Invoke(null, [network, opts])!;
    return (Predict)Delegate.CreateDelegate(typeof(Predict), p, predictor.GetMethod("Predict")!);
}

Step MakeStep(Assembly a, int[] sizes, string hidden, string output, string loss, int batch, int threads)
{
    Type act = a.GetType("FastMlp.Activation")!, lossType = a.GetType("FastMlp.Loss")!, net = a.GetType("FastMlp.Network")!;
    object network = net.GetMethods().Single(m => m.Name == "Create" && m.GetParameters().Length == 4 && m.GetParameters()[1].ParameterType == act)
        .Invoke(null, [sizes, Enum.Parse(act, hidden), Enum.Parse(act, output), 0])!;
    float lr = batch == 1 && sizes[0] == 2 ? 0.5f : 0.01f;
    object sgd = Environment.GetEnvironmentVariable("AB_OPTIMIZER") switch
    {
        "momentum" => Activator.CreateInstance(a.GetType("FastMlp.Sgd")!, [lr, 0.9f, false, 0f])!,
        "adam" => Activator.CreateInstance(a.GetType("FastMlp.Adam")!, [1e-3f, 0.9f, 0.999f, 1e-8f, 0f])!,
        "rmsprop" => Activator.CreateInstance(a.GetType("FastMlp.RmsProp")!, [1e-3f, 0.99f, 1e-8f, 0f, 0f])!,
        _ => Activator.CreateInstance(a.GetType("FastMlp.Sgd")!, [lr])!,
    };
    object trainer = Activator.CreateInstance(a.GetType("FastMlp.Trainer")!, [network, Enum.Parse(lossType, loss), sgd, batch, threads])!;
    return (Step)Delegate.CreateDelegate(typeof(Step), trainer, a.GetType("FastMlp.Trainer")!.GetMethod("Step", [typeof(ReadOnlySpan<float>), typeof(ReadOnlySpan<float>)])!);   // the unweighted Step
}

// AB_SHAPES="128x128x128,784x256x32t" (t: transposeA) replaces the default shapes.
var shapes = Environment.GetEnvironmentVariable("AB_SHAPES") is { Length: > 0 } list
    ? list.Split(',').Select(t => t.TrimEnd('t').Split('x').Select(int.Parse).ToArray() is var d ? (d[0], d[1], d[2], t.EndsWith('t')) : default).ToArray()
    : null;
foreach (int threads in new[] { 1, 2 })
    foreach (var (m, n, k, ta) in shapes ?? new[] { (32, 32, 32, false), (64, 64, 64, false), (128, 128, 128, false), (256, 256, 256, false), (512, 512, 512, false), (1024, 1024, 1024, false),
    (32, 256, 784, false), (32, 128, 256, false), (32, 10, 128, false), (1, 256, 784, false), (1024, 256, 784, false), (1024, 128, 256, false),
    (784, 256, 32, true), (256, 128, 32, true), (784, 256, 1024, true), (256, 128, 1024, true), (128, 10, 1024, true) })
    {
        // 64-byte-aligned operands, so where the GC happened to place an array does not move the figures between shapes.
        ArraySegment<float> a = Aligned(Fill(m * k)), b = Aligned(Fill(k * n)), c = Aligned(new float[m * n]);
        long flops = 2L * m * n * k;
        int reps = (int)Math.Clamp(200_000_000 / flops, 3, 20000);
        var times = new List<double>[] { new(), new() };
        for (int round = 0; round < 24; round++)
            for (int w0 = 0; w0 < 2; w0++)
            {
                int w = (round + w0) % 2;
                if (round < 4) { muls[w](a, b, c, m, n, k, ta, false, threads); continue; }
                long t0 = Stopwatch.GetTimestamp();
                for (int r = 0; r < reps; r++) muls[w](a, b, c, m, n, k, ta, false, threads);
                times[w].Add(Stopwatch.GetElapsedTime(t0).TotalSeconds / reps);
            }
        double mo = Median(times[0]), mn = Median(times[1]);
        Console.WriteLine($"{threads}T {m}x{n}x{k}{(ta ? " TN" : "")}: old {flops / mo / 1e9:F1} GFLOP/s, new {flops / mn / 1e9:F1} GFLOP/s, new/old speed {mo / mn:F3}");
    }

float[] Fill(int len) { var x = new float[len]; for (int i = 0; i < len; i++) x[i] = (float)rng.NextDouble() - 0.5f; return x; }
static unsafe ArraySegment<float> Aligned(float[] values)
{
    float[] pinned = GC.AllocateArray<float>(values.Length + 16, pinned: true);
    fixed (float* p = pinned) { int offset = (int)((64 - ((nint)p & 63)) & 63) / sizeof(float); values.CopyTo(pinned, offset); return new ArraySegment<float>(pinned, offset, values.Length); }
}
static double Median(List<double> v) { v.Sort(); return v[v.Count / 2]; }
delegate void Predict(ReadOnlySpan<float> x, Span<float> y);
delegate float Step(ReadOnlySpan<float> x, ReadOnlySpan<float> t);
delegate void Mul(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool ta, bool tb, int dop);
