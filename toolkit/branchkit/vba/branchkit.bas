Attribute VB_Name = "branchkit"
' The buttons on the control sheet call these. Each runs the same Python code as the
' branchkit command line, through xlwings' RunPython (settings: the xlwings.conf sheet).
Option Explicit

Sub BranchkitFill()
    RunPython "import branchkit.excel; branchkit.excel.fill()"
End Sub

Sub BranchkitRefresh()
    RunPython "import branchkit.excel; branchkit.excel.refresh()"
End Sub

Sub BranchkitAgenda()
    RunPython "import branchkit.excel; branchkit.excel.build_agenda()"
End Sub

Sub BranchkitWeekly()
    RunPython "import branchkit.excel; branchkit.excel.send_weekly()"
End Sub
