// Train a 2-8-1 network on XOR for a few hundred steps, save it, load it back, predict, and check: the loaded
// network gives the trained network's bits and classifies all four points. Prints one line per point and "ok";
// exits 1 (with the reason on stderr) otherwise. Shared by the NativeAOT publish and the package consumer test,
// so both prove train, save, load and predict through the same public API.
using System.Diagnostics;

using FastMlp;

float[] inputs = [0, 0, 0, 1, 1, 0, 1, 1];
float[] targets = [0, 1, 1, 0];

Network network = Network.Create([2, 8, 1], Activation.Tanh, Activation.Sigmoid, seed: 1);
float loss;
using (var trainer = new Trainer(network, Loss.MeanSquaredError, new Adam(0.05f), maxBatch: 4, maxDegreeOfParallelism: 1))
{
    loss = 0;
    for (int step = 0; step < 500; step++)
    {
        loss = trainer.Step(inputs, targets);
    }
}

string path = Path.Combine(Path.GetTempPath(), $"fastmlp-aot-{Environment.ProcessId}.safetensors");
network.Save(path);
Network loaded = Network.Load(path);
File.Delete(path);

float[] trained = new float[4];
float[] predicted = new float[4];
using (Workspace workspace = network.CreateWorkspace(maxBatch: 4, maxDegreeOfParallelism: 1))
{
    network.Predict(inputs, trained, workspace);
}
using (Workspace workspace = loaded.CreateWorkspace(maxBatch: 4, maxDegreeOfParallelism: 1))
{
    loaded.Predict(inputs, predicted, workspace);
}
TimeSpan sinceStart = DateTime.Now - Process.GetCurrentProcess().StartTime;

Console.WriteLine($"final loss {loss:F6}");
for (int i = 0; i < 4; i++)
{
    Console.WriteLine($"xor({inputs[2 * i]}, {inputs[(2 * i) + 1]}) = {predicted[i]:F4}");
}
Console.WriteLine($"first prediction {sinceStart.TotalMilliseconds:F0} ms after process start");

if (!trained.AsSpan().SequenceEqual(predicted))
{
    Console.Error.WriteLine("the loaded network predicts different bits from the trained one");
    return 1;
}
for (int i = 0; i < 4; i++)
{
    if ((predicted[i] > 0.5f) != (targets[i] > 0.5f))
    {
        Console.Error.WriteLine($"point {i} misclassified: {predicted[i]} for target {targets[i]}");
        return 1;
    }
}
Console.WriteLine("ok");
return 0;
