Attribute VB_Name = "PlansyncRibbon"
' The plansync ribbon callbacks: one Sub per button, each running one function of
' addin/buttons.py through xlwings' RunPython (module "xlwings" in this project).
' Python does the work and reports on the status bar; VBA only wires buttons to functions.
Option Explicit

Private gRibbon As IRibbonUI

Public Sub PlansyncRibbonLoaded(ribbon As IRibbonUI)
    Set gRibbon = ribbon
End Sub

Public Sub PlansyncValidate(control As IRibbonControl)
    RunPython "import addin.buttons; addin.buttons.validate()"
    PlansyncRefresh
End Sub

Public Sub PlansyncRefreshRag(control As IRibbonControl)
    RunPython "import addin.buttons; addin.buttons.refresh_rag()"
    PlansyncRefresh
End Sub

Public Sub PlansyncSync(control As IRibbonControl)
    RunPython "import addin.buttons; addin.buttons.sync()"
    PlansyncRefresh
End Sub

Public Sub PlansyncSummary(control As IRibbonControl)
    RunPython "import addin.buttons; addin.buttons.summary()"
    PlansyncRefresh
End Sub

Public Sub PlansyncSettings(control As IRibbonControl)
    RunPython "import addin.buttons; addin.buttons.settings()"
    PlansyncRefresh
End Sub

Public Sub PlansyncPull(control As IRibbonControl)
    RunPython "import addin.buttons; addin.buttons.pull()"
    PlansyncRefresh
End Sub

Public Sub PlansyncSignIn(control As IRibbonControl)
    RunPython "import addin.buttons; addin.buttons.sign_in()"
    PlansyncRefresh
End Sub

Public Sub PlansyncAdopt(control As IRibbonControl)
    RunPython "import addin.buttons; addin.buttons.adopt()"
    PlansyncRefresh
End Sub

' "Adopt this workbook" shows only while the plan has not been found: adoption (and every
' command that finds the plan) records the layout on the hidden _plansync sheet.
Public Sub PlansyncAdoptVisible(control As IRibbonControl, ByRef returnedVal)
    returnedVal = Not PlansyncPlanFound()
End Sub

Private Function PlansyncPlanFound() As Boolean
    Dim sht As Object
    PlansyncPlanFound = False
    If ActiveWorkbook Is Nothing Then Exit Function
    For Each sht In ActiveWorkbook.Sheets
        If sht.Name = "_plansync" Then
            PlansyncPlanFound = True
            Exit Function
        End If
    Next sht
End Function

' Ask the ribbon to re-read getVisible after a click that may have found the plan.
Private Sub PlansyncRefresh()
    PlansyncRefreshAdopt
End Sub

' Also called by ThisWorkbook when another workbook comes to the front.
Public Sub PlansyncRefreshAdopt()
    If Not gRibbon Is Nothing Then gRibbon.InvalidateControl "plansyncAdopt"
End Sub
