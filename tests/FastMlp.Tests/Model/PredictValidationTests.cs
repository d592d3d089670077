// PredictValidationTests: Network.Predict rejects bad calls (DESIGN.md section 2) with the right
// exception, parameter name and sizes in the message, and writes nothing when it throws: the outputs
// (prefilled with a sentinel) and the parameters are bit-identical afterwards. Covered: inputs that
// are not a whole batch, a batch over the workspace's maximum, outputs too short or overlapping the
// inputs, a null or disposed workspace, and a workspace built for another architecture.
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Model;

public sealed class PredictValidationTests
{
    private const float Sentinel = -12345.5f;
    private const int MaxBatch = 5;

    // 3 inputs, 2 outputs: every size in a message below is distinct from the others it sits with.
    private readonly Network _network = Network.Create([3, 4, 2], Activation.Tanh, Activation.Sigmoid, seed: 7);

    [Fact]
    public void Inputs_that_are_not_a_whole_batch_throw()
    {
        AssertRejected("inputs", inputs: 7, outputs: 4, ["7", "3"]);
    }

    [Fact]
    public void A_batch_over_the_workspace_maximum_throws()
    {
        AssertRejected("inputs", inputs: 18, outputs: 12, ["6", "5"]);
    }

    [Fact]
    public void Outputs_shorter_than_the_batch_needs_throw()
    {
        // 4 samples need 8 outputs; 7 are given.
        AssertRejected("outputs", inputs: 12, outputs: 7, ["7", "4", "8"]);
    }

    [Fact]
    public void Outputs_overlapping_the_inputs_throw()
    {
        float[] shared = Filled(20);
        float[] parameters = _network.Parameters.ToArray();
        using Workspace workspace = _network.CreateWorkspace(MaxBatch, 1);
        foreach (int outputStart in new[] { 0, 5, 11 })   // same start, inside, last input element
        {
            ArgumentAssert.Throws<ArgumentException>("outputs", () => _network.Predict(shared.AsSpan(0, 12), shared.AsSpan(outputStart, 8), workspace), "overlaps");
        }

        MlpAssert.BitIdentical(Filled(20), shared, "inputs and outputs after the throw");
        MlpAssert.BitIdentical(parameters, _network.Parameters, "parameters after the throw");
    }

    [Fact]
    public void Outputs_just_after_the_inputs_in_one_array_are_accepted()
    {
        float[] shared = Filled(20);
        using Workspace workspace = _network.CreateWorkspace(MaxBatch, 1);
        _network.Predict(shared.AsSpan(0, 12), shared.AsSpan(12, 8), workspace);
        Assert.All(shared.AsSpan(12, 8).ToArray(), y => Assert.InRange(y, 0f, 1f));   // sigmoid outputs were written
    }

    [Fact]
    public void A_null_workspace_throws_ArgumentNullException()
    {
        float[] outputs = Filled(2);
        var e = Assert.Throws<ArgumentNullException>(() => _network.Predict(new float[3], outputs, null!));
        Assert.Equal("workspace", e.ParamName);
        MlpAssert.BitIdentical(Filled(2), outputs, "outputs after the throw");
    }

    [Fact]
    public void A_disposed_workspace_throws_ObjectDisposedException()
    {
        float[] outputs = Filled(4), parameters = _network.Parameters.ToArray();
        Workspace workspace = _network.CreateWorkspace(MaxBatch, 1);
        workspace.Dispose();
        workspace.Dispose();   // a second Dispose is harmless
        Assert.Throws<ObjectDisposedException>(() => _network.Predict(new float[6], outputs, workspace));
        MlpAssert.BitIdentical(Filled(4), outputs, "outputs after the throw");
        MlpAssert.BitIdentical(parameters, _network.Parameters, "parameters after the throw");
    }

    [Fact]
    public void A_workspace_of_another_architecture_throws()
    {
        Network other = Network.Create([3, 5, 2], Activation.Tanh, Activation.Sigmoid, seed: 7);
        using Workspace foreign = other.CreateWorkspace(MaxBatch, 1);
        float[] outputs = Filled(4);
        ArgumentAssert.Throws<ArgumentException>("workspace", () => _network.Predict(new float[6], outputs, foreign), "3, 5, 2", "3, 4, 2");
        MlpAssert.BitIdentical(Filled(4), outputs, "outputs after the throw");
    }

    [Fact]
    public void A_workspace_of_another_network_with_the_same_sizes_is_accepted()
    {
        Network twin = Network.Create([3, 4, 2], Activation.Relu, Activation.Identity, seed: 8);
        using Workspace workspace = twin.CreateWorkspace(MaxBatch, 1);
        using Workspace own = _network.CreateWorkspace(MaxBatch, 1);
        float[] inputs = [0.5f, -1, 2, 1, 0, -0.25f], got = new float[4], want = new float[4];
        _network.Predict(inputs, got, workspace);
        _network.Predict(inputs, want, own);
        MlpAssert.BitIdentical(want, got, "outputs through a borrowed workspace");
    }

    [Fact]
    public void An_empty_batch_writes_nothing()
    {
        float[] outputs = Filled(4);
        using Workspace workspace = _network.CreateWorkspace(MaxBatch, 1);
        _network.Predict([], outputs, workspace);
        MlpAssert.BitIdentical(Filled(4), outputs, "outputs after an empty batch");
    }

    private void AssertRejected(string paramName, int inputs, int outputs, string[] mentions)
    {
        float[] x = new float[inputs], y = Filled(outputs), parameters = _network.Parameters.ToArray();
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = i * 0.125f;
        }

        using Workspace workspace = _network.CreateWorkspace(MaxBatch, 1);
        ArgumentAssert.Throws<ArgumentException>(paramName, () => _network.Predict(x, y, workspace), mentions);
        MlpAssert.BitIdentical(Filled(outputs), y, "outputs after the throw");
        MlpAssert.BitIdentical(parameters, _network.Parameters, "parameters after the throw");

        // The workspace is still usable: a throw must not leave it marked busy.
        float[] good = new float[4];
        _network.Predict(new float[6], good, workspace);
    }

    private static float[] Filled(int length)
    {
        float[] x = new float[length];
        Array.Fill(x, Sentinel);
        return x;
    }
}
