using FastMlp.Peers;

return PeersCommand.Run(args);
