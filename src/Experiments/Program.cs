return Homework.Experiments.Cli.HomeworkApp.Run(args);
