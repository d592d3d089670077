// POST /predict: reads the rows from a JSON or binary body, refuses what the model would refuse (and non-finite
// values) with a 400 and the reason, and answers the probabilities and the class of each row. Everything that
// depends on the model (the shape checks, the forward pass, the width of the rows written) uses the one IRowModel
// the request acquired, whichever backend is behind it (IRowModelSource).
using System.Buffers.Binary;
using System.Text.Json;

using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace FastMlp.Serve;

internal static class PredictEndpoint
{
    public static async Task<IResult> Handle(HttpRequest request, [FromServices] IRowModelSource backend)
    {
        float[] inputs;
        try
        {
            inputs = request.ContentType?.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase) == true
                ? await ReadBinary(request)
                : await ReadJson(request);
        }
        catch (BadRequestException e)
        {
            return Results.BadRequest(new ErrorResponse(e.Message));
        }

        if (Array.FindIndex(inputs, v => !float.IsFinite(v)) is int bad and >= 0)
        {
            return Results.BadRequest(new ErrorResponse($"input value {bad} is {inputs[bad]}; every value must be finite."));
        }

        using IRowModel model = backend.Acquire();
        if (inputs.Length == 0 || inputs.Length % model.InputSize != 0)
        {
            return Results.BadRequest(new ErrorResponse($"{inputs.Length} input values are not a whole number of rows of {model.InputSize}."));
        }

        int rows = inputs.Length / model.InputSize, width = model.OutputSize;
        if (rows > model.MaxBatch)
        {
            return Results.BadRequest(new ErrorResponse($"{rows} rows are more than one request may hold (at most {model.MaxBatch})."));
        }

        float[] outputs = new float[rows * width];
        model.Predict(inputs, outputs);

        // The class of a row is the index of its largest output, as PredictClasses defines it: one forward pass serves both.
        float[][] perRow = [.. Enumerable.Range(0, rows).Select(r => outputs.AsSpan(r * width, width).ToArray())];
        int[] classes = [.. perRow.Select(row => System.Numerics.Tensors.TensorPrimitives.IndexOfMax(row))];
        return Results.Ok(new PredictResponse(perRow, classes));
    }

    private static async Task<float[]> ReadJson(HttpRequest request)
    {
        try
        {
            using JsonDocument body = await JsonDocument.ParseAsync(request.Body);
            if (body.RootElement.ValueKind != JsonValueKind.Object || !body.RootElement.TryGetProperty("inputs", out JsonElement values) || values.ValueKind != JsonValueKind.Array)
            {
                throw new BadRequestException("the JSON body must be an object with an \"inputs\" array of numbers.");
            }

            float[] inputs = new float[values.GetArrayLength()];
            int i = 0;
            foreach (JsonElement value in values.EnumerateArray())
            {
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetSingle(out inputs[i]))
                {
                    throw new BadRequestException($"inputs[{i}] is not a float32 number.");
                }

                i++;
            }

            return inputs;
        }
        catch (JsonException e)
        {
            throw new BadRequestException($"malformed JSON: {e.Message}");
        }
    }

    private static async Task<float[]> ReadBinary(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        if (buffer.Length % sizeof(float) != 0)
        {
            throw new BadRequestException($"a binary body of {buffer.Length} bytes is not a whole number of float32s.");
        }

        byte[] bytes = buffer.ToArray();
        float[] inputs = new float[bytes.Length / sizeof(float)];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
        }

        return inputs;
    }

    private sealed class BadRequestException(string message) : Exception(message);
}
