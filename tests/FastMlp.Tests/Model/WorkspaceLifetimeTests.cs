// WorkspaceLifetimeTests: the workspace's one atomic state (free, busy, disposed), step by step on one
// thread, where the race tests (WorkspaceDisposeRaceTests, in a child process) cannot look inside.
// Dispose of a busy workspace marks it and returns; the call in flight releases the memory when it
// leaves; every call after Dispose throws ObjectDisposedException, for Predict, PredictClasses, Step, Fit
// and Evaluate; a Dispose during Fit stops it at the next step boundary.
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Model;

public sealed class WorkspaceLifetimeTests
{
    private static readonly Network s_network = Network.Create([3, 4, 2], Activation.Tanh, Activation.Softmax, seed: 0);
    private static readonly float[] s_inputs = [0.1f, -0.2f, 0.3f];

    [Fact]
    public void Dispose_of_a_busy_workspace_leaves_the_memory_to_the_call_which_releases_it_when_it_leaves()
    {
        Workspace workspace = s_network.CreateWorkspace(maxBatch: 1);
        workspace.Enter();   // what Predict does first: a call is now running
        workspace.Dispose();
        Assert.True(workspace.IsDisposeRequested);
        Assert.False(workspace.IsReleased);
        float[] outputs = [-7f, -7f];
        Assert.Throws<ObjectDisposedException>(() => s_network.Predict(s_inputs, outputs, workspace));
        Assert.Equal([-7f, -7f], outputs);
        workspace.Exit();    // the call leaves
        Assert.True(workspace.IsReleased);
        Assert.False(workspace.IsDisposeRequested);
        Assert.Throws<ObjectDisposedException>(() => s_network.Predict(s_inputs, outputs, workspace));
    }

    [Fact]
    public void Dispose_of_a_free_workspace_releases_at_once_and_a_second_Dispose_does_nothing()
    {
        Workspace workspace = s_network.CreateWorkspace(maxBatch: 1);
        workspace.Dispose();
        Assert.True(workspace.IsReleased);
        workspace.Dispose();
        Assert.True(workspace.IsReleased);
        Assert.Throws<ObjectDisposedException>(() => s_network.Predict(s_inputs, new float[2], workspace));
        Assert.Throws<ObjectDisposedException>(() => s_network.PredictClasses(s_inputs, new int[1], workspace));
        Assert.Throws<ObjectDisposedException>(() => workspace.Enter());
    }

    [Fact]
    public void A_disposed_trainer_refuses_Step_Fit_and_Evaluate()
    {
        Network network = Network.Create([3, 4, 2], Activation.Tanh, Activation.Softmax, seed: 0);
        var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(0.1f), maxBatch: 4);
        var data = new Dataset([.. s_inputs, .. s_inputs], 3, [1f, 0f, 0f, 1f], 2);
        trainer.Dispose();
        float[] before = network.Parameters.ToArray();
        Assert.Throws<ObjectDisposedException>(() => trainer.Step(s_inputs, [1f, 0f]));
        Assert.Throws<ObjectDisposedException>(() => trainer.Fit(data, new FitOptions { Epochs = 1, BatchSize = 2 }));
        Assert.Throws<ObjectDisposedException>(() => trainer.Evaluate(data));
        MlpAssert.BitIdentical(before, network.Parameters.ToArray(), "parameters after refused calls");
    }

    [Fact]
    public void Dispose_during_Fit_stops_it_at_the_next_step_with_the_parameters_of_the_last_whole_step()
    {
        Network network = Network.Create([3, 4, 2], Activation.Tanh, Activation.Softmax, seed: 0);
        var optimizer = new DisposingOptimizer(new Sgd(0.1f), disposeAtStep: 3);
        var trainer = new Trainer(network, Loss.CrossEntropy, optimizer, maxBatch: 1);
        optimizer.Trainer = trainer;
        var data = new Dataset([.. s_inputs, .. s_inputs, .. s_inputs, .. s_inputs, .. s_inputs], 3, [1f, 0f, 0f, 1f, 1f, 0f, 0f, 1f, 1f, 0f], 2);
        Assert.Throws<ObjectDisposedException>(() => trainer.Fit(data, new FitOptions { Epochs = 3, BatchSize = 1 }));
        Assert.Equal(3, optimizer.Steps);   // the step that disposed completed; no step ran after it
        MlpAssert.BitIdentical(optimizer.ParametersAfterLastStep!, network.Parameters.ToArray(), "parameters after the interrupted Fit");
    }

    /// <summary>Runs an inner optimizer and disposes the trainer from inside its N-th step, i.e. during a running Fit.</summary>
    private sealed class DisposingOptimizer(IOptimizer inner, int disposeAtStep) : IOptimizer
    {
        public Trainer? Trainer { get; set; }

        public int Steps { get; private set; }

        public float[]? ParametersAfterLastStep { get; private set; }

        public void Step(ReadOnlySpan<float> gradients, Span<float> parameters)
        {
            inner.Step(gradients, parameters);
            ParametersAfterLastStep = parameters.ToArray();
            if (++Steps == disposeAtStep)
            {
                Trainer!.Dispose();
            }
        }
    }
}
