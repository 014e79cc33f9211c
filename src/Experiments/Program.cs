return Homework.Experiments.Cli.HomeworkApp.RunProgram(args);
